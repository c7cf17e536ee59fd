self.__kbShard("c7665","ve verdict verification verified verify verifysignature version versions very");
