self.__kbShard("c6e61","name navigates");
