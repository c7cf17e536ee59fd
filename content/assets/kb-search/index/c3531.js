self.__kbShard("c3531","512");
