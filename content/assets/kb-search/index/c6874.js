self.__kbShard("c6874","http https");
