self.__kbShard("c3133","13");
