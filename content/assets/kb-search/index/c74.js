self.__kbShard("c74","t");
