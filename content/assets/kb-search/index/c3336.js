self.__kbShard("c3336","36.419345");
