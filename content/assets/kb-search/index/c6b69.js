self.__kbShard("c6b69","killing kind kit");
