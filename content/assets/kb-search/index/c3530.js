self.__kbShard("c3530","500 50mb");
