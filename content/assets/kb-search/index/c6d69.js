self.__kbShard("c6d69","middle minimal minus mismatch missed missing");
