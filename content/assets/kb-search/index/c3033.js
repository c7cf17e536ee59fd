self.__kbShard("c3033","0300");
