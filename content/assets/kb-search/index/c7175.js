self.__kbShard("c7175","quarantine queries query question questions quinn");
