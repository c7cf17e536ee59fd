self.__kbShard("c6370","cpu");
