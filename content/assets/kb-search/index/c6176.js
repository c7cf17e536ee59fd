self.__kbShard("c6176","available");
