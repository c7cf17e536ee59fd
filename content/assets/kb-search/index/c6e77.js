self.__kbShard("c6e77","nw nwhostendpoint");
