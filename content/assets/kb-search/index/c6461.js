self.__kbShard("c6461","dance data database datacomplete dataprovider dataverdict days");
