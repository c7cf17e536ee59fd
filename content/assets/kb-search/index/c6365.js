self.__kbShard("c6365","cellular centered cert certificate certification");
