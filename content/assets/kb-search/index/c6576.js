self.__kbShard("c6576","ev2 evaluate evaluateifnecessary evaluation even event eventually everything");
