self.__kbShard("c7768","wheel whether whole");
