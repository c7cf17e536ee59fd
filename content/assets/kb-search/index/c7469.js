self.__kbShard("c7469","ticket time times timestamp timo title");
