self.__kbShard("c6b6e","know known");
