self.__kbShard("c33","3");
