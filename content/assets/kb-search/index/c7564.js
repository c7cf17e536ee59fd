self.__kbShard("c7564","udp udpflow");
