self.__kbShard("c6d32","m2");
