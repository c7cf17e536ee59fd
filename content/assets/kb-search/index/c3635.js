self.__kbShard("c3635","65535");
