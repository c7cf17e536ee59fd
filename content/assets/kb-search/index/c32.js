self.__kbShard("c32","2");
