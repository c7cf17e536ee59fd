self.__kbShard("c67","g");
