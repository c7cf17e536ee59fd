self.__kbShard("c6f73","os oslogger ossystemextensionerror");
