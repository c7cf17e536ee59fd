self.__kbShard("c3137","17c529");
