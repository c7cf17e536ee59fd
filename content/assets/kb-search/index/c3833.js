self.__kbShard("c3833","831 836");
