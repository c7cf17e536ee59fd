self.__kbShard("c7368","shared sharedinstance sharma shortened should shouldacceptnewconnection show showbuildsettings shows");
