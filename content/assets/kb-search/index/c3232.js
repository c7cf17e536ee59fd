self.__kbShard("c3232","22g100");
