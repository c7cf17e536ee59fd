self.__kbShard("c7370","spctl specific specified specifier specify");
