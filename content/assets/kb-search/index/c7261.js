self.__kbShard("c7261","range ranges raw");
