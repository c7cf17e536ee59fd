self.__kbShard("c6368","chakshu chance change changenotification changes characters check checking checks checksums child chown chrome");
