self.__kbShard("c6166","affect affected affects");
