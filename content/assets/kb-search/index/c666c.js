self.__kbShard("c666c","flow flowverdict");
