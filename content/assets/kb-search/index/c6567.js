self.__kbShard("c6567","eg");
