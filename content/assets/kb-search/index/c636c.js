self.__kbShard("c636c","clarify class classes cleaning client close closed");
