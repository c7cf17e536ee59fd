self.__kbShard("c746c","tldr");
