self.__kbShard("c6a61","jan");
