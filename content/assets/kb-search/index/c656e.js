self.__kbShard("c656e","enable enabled enabling encountered encouraging end endpoint ends enrolled ensuring enterprise entitlement entitlements entries environment environments");
