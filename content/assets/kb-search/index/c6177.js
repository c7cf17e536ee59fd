self.__kbShard("c6177","await aware away");
