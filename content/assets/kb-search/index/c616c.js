self.__kbShard("c616c","all allfrompreferences allnetworks alloc allow allowed allows alongside already alternative always");
