self.__kbShard("c65","e");
