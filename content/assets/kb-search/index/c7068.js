self.__kbShard("c7068","phone physical physically");
