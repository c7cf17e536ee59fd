self.__kbShard("c7574","utun");
