self.__kbShard("c39","9");
