self.__kbShard("tc39f",{"\u00df":"3YgQ"});
