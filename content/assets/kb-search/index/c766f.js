self.__kbShard("c766f","void");
