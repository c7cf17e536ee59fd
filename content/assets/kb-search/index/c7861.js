self.__kbShard("c7861","xattr");
