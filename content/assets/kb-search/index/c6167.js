self.__kbShard("c6167","agency agent ago");
