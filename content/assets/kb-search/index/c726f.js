self.__kbShard("c726f","robin root route routes routing");
