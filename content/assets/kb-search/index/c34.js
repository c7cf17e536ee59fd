self.__kbShard("c34","4");
