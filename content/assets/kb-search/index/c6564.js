self.__kbShard("c6564","edns0 education");
