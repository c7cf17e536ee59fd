self.__kbShard("c3439","49152");
