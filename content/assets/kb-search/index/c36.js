self.__kbShard("c36","6");
