self.__kbShard("c686f","hopefully host hostendpoint hostname hotspot");
