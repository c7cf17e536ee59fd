self.__kbShard("c6f70","open opt option options");
