self.__kbShard("c6375","curating currently custom");
