self.__kbShard("c7463","tc tcp tcpflow");
