self.__kbShard("c7363","scalable scenario scheme scope screen");
