self.__kbShard("c3132","127.0.0.1");
