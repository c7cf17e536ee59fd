self.__kbShard("c6964","id idea identical identifier identity ids");
