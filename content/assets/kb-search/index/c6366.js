self.__kbShard("c6366","cf cfbundledisplayname");
