self.__kbShard("c64","d");
