self.__kbShard("c6f6c","old");
