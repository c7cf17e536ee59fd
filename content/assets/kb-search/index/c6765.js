self.__kbShard("c6765","general getnovi");
