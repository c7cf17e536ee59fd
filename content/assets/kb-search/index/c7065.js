self.__kbShard("c7065","peek peekbytes peekinboundbytes peekoutboundbytes peer peers per performance permission personal");
