self.__kbShard("t34",{"4":"0XtL6Xh16uF3XqO2Xp2","49152":"7Ys3"});
