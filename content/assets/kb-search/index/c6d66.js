self.__kbShard("c6d66","mfa");
