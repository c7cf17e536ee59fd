self.__kbShard("c6573","escape escaping essentials established");
