self.__kbShard("t35",{"5":"0YuECXcS","500":"6YqN","50mb":"9XyA","512":"6aZE","58884":"3YgI"});
