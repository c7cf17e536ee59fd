self.__kbShard("c6664","fd00");
