self.__kbShard("c3078","0x100bdee70 0x1015a2050");
