self.__kbShard("c6e75","number");
