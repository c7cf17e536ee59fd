self.__kbShard("c6161","aaaa");
