self.__kbShard("c35","5");
