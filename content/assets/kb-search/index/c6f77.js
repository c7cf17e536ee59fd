self.__kbShard("c6f77","owned");
