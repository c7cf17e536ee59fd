self.__kbShard("t33",{"3":"0XtS3Xc13Xh76uJ5Xp9","30":"FXu7","36.419345":"3YgQ","384":"7YsB"});
