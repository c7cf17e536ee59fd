self.__kbShard("c3939","99");
