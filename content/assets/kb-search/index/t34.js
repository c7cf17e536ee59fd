self.__kbShard("t34",{"4":"0XtS6Xh76uJ3XqV2Xp9","49152":"7YsB"});
