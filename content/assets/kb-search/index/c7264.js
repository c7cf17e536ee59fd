self.__kbShard("c7264","rdar");
