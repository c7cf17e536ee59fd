self.__kbShard("c6b65","keep kernel key keychain keyverifysignature");
