self.__kbShard("c3032","02");
