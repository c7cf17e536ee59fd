self.__kbShard("c6665","features feb feedback feel feels fetch fetchfrequency fetching few");
