self.__kbShard("c6469","difference different discard disconnect discourage discouraged disk dismisses display displayname distributed distribution");
