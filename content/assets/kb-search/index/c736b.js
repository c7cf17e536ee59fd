self.__kbShard("c736b","skip skipregistration");
