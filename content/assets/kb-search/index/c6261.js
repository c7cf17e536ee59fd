self.__kbShard("c6261","back bar");
