self.__kbShard("c3932","921");
