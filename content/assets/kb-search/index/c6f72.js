self.__kbShard("c6f72","origin original");
