self.__kbShard("c6173","ask assistance assume async");
