self.__kbShard("c6f76","over overarching override overriding");
