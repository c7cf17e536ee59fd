self.__kbShard("c7761","wait waiting wake wanted way");
