self.__kbShard("c3237","27 2700");
