self.__kbShard("c6175","audio audit audittoken authentication authenticationtoken authority authorization automatically");
