self.__kbShard("v2","02 10 13 15 16 24 26 27 30 64 99 ap ca cf co db dn eg ex fi go hi id if ik ip is m2 mb my ne ns nw ok on os re sx tc to ui uk up ve vv wi \u00d72");
