self.__kbShard("c6164","add added additional additionally address addressed addresses admin advance");
