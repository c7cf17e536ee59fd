self.__kbShard("c736e","snippet");
