self.__kbShard("c6474","dtd dtds");
