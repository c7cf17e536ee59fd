self.__kbShard("c6973","is isenabled isn isolated ison isp issue issued issuer issuerurl issues");
