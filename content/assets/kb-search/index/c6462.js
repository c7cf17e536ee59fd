self.__kbShard("c6462","db");
