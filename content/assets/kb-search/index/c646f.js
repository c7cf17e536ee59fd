self.__kbShard("c646f","documentation documented doesn doing domain domains don done down");
