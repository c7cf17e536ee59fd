self.__kbShard("c6974","itself");
