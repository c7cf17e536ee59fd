self.__kbShard("c6279","bypass byte bytes bytesstartoffset");
