self.__kbShard("c646e","dn dns dnsmac dnsmacproxy dnsmacproxy5 dnsmacproxyrelease dnsproxy dnsresponder dnssettings");
