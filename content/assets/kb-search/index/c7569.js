self.__kbShard("c7569","ui");
