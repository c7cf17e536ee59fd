self.__kbShard("c6168","ahead");
