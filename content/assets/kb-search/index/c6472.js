self.__kbShard("c6472","drag driven dropped");
