self.__kbShard("c3832","825");
