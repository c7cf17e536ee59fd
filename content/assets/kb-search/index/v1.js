self.__kbShard("v1","1 2 3 4 5 6 7 8 9 d e g m r s t \u00df");
