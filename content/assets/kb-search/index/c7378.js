self.__kbShard("c7378","sx");
