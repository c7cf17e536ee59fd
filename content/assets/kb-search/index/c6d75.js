self.__kbShard("c6d75","much multiple");
