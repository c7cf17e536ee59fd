self.__kbShard("c3138","18.6.2");
