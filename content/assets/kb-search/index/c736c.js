self.__kbShard("c736c","sleep slow slowdowns");
