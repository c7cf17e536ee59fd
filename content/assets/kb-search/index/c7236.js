self.__kbShard("c7236","r65679c4f3");
