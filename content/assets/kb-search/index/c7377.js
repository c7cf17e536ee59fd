self.__kbShard("c7377","swear swift swiftui swipe switch");
