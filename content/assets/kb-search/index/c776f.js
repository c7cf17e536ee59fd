self.__kbShard("c776f","wonder work workaround worked workflows working works");
