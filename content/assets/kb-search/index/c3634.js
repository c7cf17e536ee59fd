self.__kbShard("c3634","64");
