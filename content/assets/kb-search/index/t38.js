self.__kbShard("t38",{"8":"0YuLCXd1","825":"FXu7","831":"FXu7","836":"8ZkF","893":"6aq1"});
