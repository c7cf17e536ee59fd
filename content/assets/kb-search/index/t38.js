self.__kbShard("t38",{"8":"0YuECXcS","825":"FXu1","831":"FXu1","836":"8Zk7","893":"6apN"});
