self.__kbShard("c3733","737894");
