self.__kbShard("c3230","2026");
