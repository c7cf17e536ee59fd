self.__kbShard("c756e","unable under undocumented unexpected unfortunately unresponsive unusual");
