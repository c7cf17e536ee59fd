self.__kbShard("c6162","ability above");
