self.__kbShard("t79",{"year":"1ZX8","yes":"3XyBFYiL"});
