self.__kbShard("c676c","global");
