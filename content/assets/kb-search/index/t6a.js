self.__kbShard("t6a",{"jan":"FXu7"});
