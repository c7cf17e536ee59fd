self.__kbShard("c6561","each earlier easy");
