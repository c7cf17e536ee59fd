self.__kbShard("c3136","16 16.0");
