self.__kbShard("c7361","safari same sample sandbox sangho satisfies satisfy save saveandreload savetopreferences");
