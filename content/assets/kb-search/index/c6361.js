self.__kbShard("c6361","ca call called callkit capability captured captures case cases cause caused causes");
