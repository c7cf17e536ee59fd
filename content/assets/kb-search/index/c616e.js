self.__kbShard("c616e","analysis and andreload another answer anyone anything");
