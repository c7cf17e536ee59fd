self.__kbShard("c3330","30");
