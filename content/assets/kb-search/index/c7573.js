self.__kbShard("c7573","use used user users uses using usually");
