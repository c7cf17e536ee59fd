self.__kbShard("c6d79","my mydns mydnsmac mydnsmacproxy mydnsmacproxy5 mydnsmacproxyrelease");
