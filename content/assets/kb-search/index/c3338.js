self.__kbShard("c3338","384");
