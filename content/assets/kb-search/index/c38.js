self.__kbShard("c38","8");
