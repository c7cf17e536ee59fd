self.__kbShard("c7870","xpc xpcclient xpcserver");
