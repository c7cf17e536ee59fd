self.__kbShard("c7477","two");
