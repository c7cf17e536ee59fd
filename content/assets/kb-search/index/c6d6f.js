self.__kbShard("c6d6f","mobile mode monitor more");
