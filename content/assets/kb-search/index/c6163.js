self.__kbShard("c6163","accept acceptable accepted acceptnewconnection accepts access action activate activated activating activation activations active activity");
