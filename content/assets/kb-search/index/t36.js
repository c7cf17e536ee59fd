self.__kbShard("t36",{"6":"0YgECXWN4XfS","64":"CXm6","65535":"7Ys3"});
