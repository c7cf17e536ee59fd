self.__kbShard("c6672","fragmentation fragments framework frequency from frompreferences");
