self.__kbShard("c6f6b","ok");
