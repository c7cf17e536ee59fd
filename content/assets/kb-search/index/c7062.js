self.__kbShard("c7062","pbx");
