self.__kbShard("c6d62","mb");
