self.__kbShard("c312e","1.0");
