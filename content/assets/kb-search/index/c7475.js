self.__kbShard("c7475","tunnel tunnelflow tunnelnetworksettings tunnelprovider tunnelprovidermanager tunnelproviderprotocol tunnelremoteaddress");
