self.__kbShard("v21","filtercontrolprovider protocolconfiguration seckeyverifysignature tunnelnetworksettings tunnelprovidermanager");
