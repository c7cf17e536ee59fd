self.__kbShard("c786d","xml");
