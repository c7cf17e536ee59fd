self.__kbShard("t30",{"02":"3YgI","0300":"3YgI","0x100bdee70":"3YgI","0x1015a2050":"3YgI"});
