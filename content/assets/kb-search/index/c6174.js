self.__kbShard("c6174","attachment attempting attention");
