self.__kbShard("t39",{"9":"0YgMCXWS6Zh5","921":"6YqV","99":"1ZX8"});
