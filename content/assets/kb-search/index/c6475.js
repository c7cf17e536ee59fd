self.__kbShard("c6475","due during");
