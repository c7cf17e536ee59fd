self.__kbShard("c6265","becomes before behavior being below best beta betas between beyond");
