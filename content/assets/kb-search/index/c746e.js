self.__kbShard("c746e","tn3134 tn3165");
