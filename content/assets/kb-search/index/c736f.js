self.__kbShard("c736f","socket socketfilterfw socketflow software solution solutions something sometimes source sourceappaudittoken");
