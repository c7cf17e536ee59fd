self.__kbShard("c6970","ip ipc iphone iphones ipsec ipv4 ipv4route ipv4settings ipv6 ipv6route ipv6settings");
