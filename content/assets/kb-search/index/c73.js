self.__kbShard("c73","s");
