self.__kbShard("c6c61","language large larger last latest launch");
