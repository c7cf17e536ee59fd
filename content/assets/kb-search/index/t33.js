self.__kbShard("t33",{"3":"0XtL3XbS3Xh16uF5Xp2","30":"FXu1","36.419345":"3YgI","384":"7Ys3"});
