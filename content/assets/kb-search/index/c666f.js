self.__kbShard("c666f","follow followed following formed forward forwarding found");
