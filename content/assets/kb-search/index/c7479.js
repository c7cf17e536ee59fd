self.__kbShard("c7479","type types");
