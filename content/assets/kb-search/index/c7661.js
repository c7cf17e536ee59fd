self.__kbShard("c7661","valid validate validates validation validator value values var");
