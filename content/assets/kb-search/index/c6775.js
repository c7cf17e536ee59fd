self.__kbShard("c6775","guard guidance guide");
