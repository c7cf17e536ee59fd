self.__kbShard("c6f62","object objective objectivec objects observation observe observed observing");
