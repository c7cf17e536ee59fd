self.__kbShard("c6c75","lulu");
