self.__kbShard("c626f","body bool bootstrap both bottom");
