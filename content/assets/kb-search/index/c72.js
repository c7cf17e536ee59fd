self.__kbShard("c72","r");
