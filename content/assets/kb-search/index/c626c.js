self.__kbShard("c626c","blacklist block blocked blocking blocks bloom");
