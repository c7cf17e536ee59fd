self.__kbShard("c7572","url urlfilter urlfilterextension");
