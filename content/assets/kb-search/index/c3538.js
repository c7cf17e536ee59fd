self.__kbShard("c3538","58884");
