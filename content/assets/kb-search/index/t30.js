self.__kbShard("t30",{"02":"3YgQ","0300":"3YgQ","0x100bdee70":"3YgQ","0x1015a2050":"3YgQ"});
