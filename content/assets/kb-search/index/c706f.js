self.__kbShard("c706f","point pointidentifier points policies policy poor pop port portal ports possible post powerful");
