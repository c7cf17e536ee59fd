self.__kbShard("c3134","1400");
