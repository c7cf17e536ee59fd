self.__kbShard("t79",{"year":"1ZX0","yes":"3Xy5FYiD"});
