self.__kbShard("c696b","ik ikev2");
