self.__kbShard("c6c65","leading leak leaks length lengths level");
