self.__kbShard("c7772","write writepacketobjects");
