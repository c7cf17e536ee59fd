self.__kbShard("c6662","fb19631390 fb21649104");
