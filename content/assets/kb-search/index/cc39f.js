self.__kbShard("cc39f","\u00df");
