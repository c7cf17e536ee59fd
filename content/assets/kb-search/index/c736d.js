self.__kbShard("c736d","smac small smb");
