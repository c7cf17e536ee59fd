self.__kbShard("c6c69","library libxpc license limit limitation limits link list listener little");
