self.__kbShard("c31","1");
