self.__kbShard("c6d64","mdm mdnsresponder");
