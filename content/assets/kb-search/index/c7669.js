self.__kbShard("c7669","via view");
