self.__kbShard("c7468","thank thanks thing third thought thousands thread through throughput");
