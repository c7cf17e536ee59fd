self.__kbShard("c676f","go goal goes going");
