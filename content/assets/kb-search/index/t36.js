self.__kbShard("t36",{"6":"0YgMCXWS4Xg1","64":"CXmC","65535":"7YsB"});
