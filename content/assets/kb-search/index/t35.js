self.__kbShard("t35",{"5":"0YuLCXd1","500":"6YqV","50mb":"9XyH","512":"6aZN","58884":"3YgQ"});
