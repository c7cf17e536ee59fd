self.__kbShard("c6232","b234657989");
