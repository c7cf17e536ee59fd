self.__kbShard("c7878","xxxx xxxxx");
