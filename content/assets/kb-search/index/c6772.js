self.__kbShard("c6772","grade grant granted great greater greatly group groups");
