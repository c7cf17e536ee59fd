self.__kbShard("c6479","dylib");
