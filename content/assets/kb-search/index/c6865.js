self.__kbShard("c6865","hello helper hence here");
