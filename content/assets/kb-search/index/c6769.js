self.__kbShard("c6769","gigabytes github");
