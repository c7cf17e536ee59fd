self.__kbShard("tc397",{"\u00d72":"FYrS"});
