self.__kbShard("c6d65","mean membership memory mention mentioned mentions menu message messagedata");
