self.__kbShard("t37",{"7":"0YuLCXd1","737894":"FXu7"});
