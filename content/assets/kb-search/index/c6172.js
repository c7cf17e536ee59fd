self.__kbShard("c6172","archive around array arrive arrives");
