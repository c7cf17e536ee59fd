self.__kbShard("c3234","24");
