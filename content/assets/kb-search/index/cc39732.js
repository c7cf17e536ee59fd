self.__kbShard("cc39732","\u00d72");
