self.__kbShard("c7275","rule ruled rules run running runs runtime");
