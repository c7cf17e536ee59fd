self.__kbShard("c7765","weak web websites well");
