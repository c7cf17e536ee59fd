self.__kbShard("c7075","public purchase purposes push pushing put");
