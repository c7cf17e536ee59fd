self.__kbShard("c756b","uk");
