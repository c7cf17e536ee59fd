self.__kbShard("c6272","brackets broadly browser");
