self.__kbShard("c7670","vpn vpntunnel");
