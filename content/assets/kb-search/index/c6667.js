self.__kbShard("c6667","fgstnehost");
