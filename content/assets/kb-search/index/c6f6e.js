self.__kbShard("c6f6e","on onchange ondemand one");
