self.__kbShard("c6d","m");
