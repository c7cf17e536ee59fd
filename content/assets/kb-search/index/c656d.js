self.__kbShard("c656d","embed embedded empty");
