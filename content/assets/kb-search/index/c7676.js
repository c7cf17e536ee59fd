self.__kbShard("c7676","vv");
