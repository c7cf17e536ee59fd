self.__kbShard("c7777","wwdc25 www");
