self.__kbShard("c6869","hi high");
