self.__kbShard("c6966","if ifnecessary");
