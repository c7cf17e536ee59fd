self.__kbShard("c6269","bit");
