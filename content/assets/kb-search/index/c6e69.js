self.__kbShard("c6e69","nil");
