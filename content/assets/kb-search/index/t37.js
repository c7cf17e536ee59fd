self.__kbShard("t37",{"7":"0YuECXcS","737894":"FXu1"});
