self.__kbShard("c3839","893");
