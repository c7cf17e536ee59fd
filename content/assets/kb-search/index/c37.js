self.__kbShard("c37","7");
