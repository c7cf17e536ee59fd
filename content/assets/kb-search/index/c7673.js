self.__kbShard("c7673","vstack");
