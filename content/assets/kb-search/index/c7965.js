self.__kbShard("c7965","year yes");
