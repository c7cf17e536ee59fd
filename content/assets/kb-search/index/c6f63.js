self.__kbShard("c6f63","occasionally occurs");
