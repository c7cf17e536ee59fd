self.__kbShard("c7769","wi with withfilterinbound within withmachservicename without");
