self.__kbShard("c7371","square");
