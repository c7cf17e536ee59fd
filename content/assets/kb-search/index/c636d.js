self.__kbShard("c636d","cms");
