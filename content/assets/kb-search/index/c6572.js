self.__kbShard("c6572","error errordomain");
