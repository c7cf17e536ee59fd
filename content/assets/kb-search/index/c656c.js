self.__kbShard("c656c","eligible");
