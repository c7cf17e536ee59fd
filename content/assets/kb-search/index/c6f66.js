self.__kbShard("c6f66","office official officially offset");
