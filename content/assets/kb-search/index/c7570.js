self.__kbShard("c7570","up update upload uploading upstream");
