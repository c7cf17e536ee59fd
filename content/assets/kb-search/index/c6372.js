self.__kbShard("c6372","crafted crashes create creating creation");
