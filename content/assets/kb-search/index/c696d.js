self.__kbShard("c696d","immediately implement implementation implementations implementing implements import impose improve");
