self.__kbShard("t39",{"9":"0YgECXWN6ZgS","921":"6YqN","99":"1ZX0"});
