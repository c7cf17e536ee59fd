self.__kbShard("c696f","ios");
