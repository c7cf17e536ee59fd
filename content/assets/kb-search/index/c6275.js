self.__kbShard("c6275","buffer bug build building builds buildsettings built bundle bundledisplayname bundleidentifier button");
