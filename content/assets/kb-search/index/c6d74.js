self.__kbShard("c6d74","mtu");
