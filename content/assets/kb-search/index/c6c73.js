self.__kbShard("c6c73","lsregister");
