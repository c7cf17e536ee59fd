self.__kbShard("c6661","facing fail failclosed failed failing failopen fails failure failures false family");
