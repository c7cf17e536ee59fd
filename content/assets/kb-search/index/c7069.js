self.__kbShard("c7069","piled pinged pir pirprivacypassissuerurl pirprivacyproxyfailopen pirserverurl pirskipregistration");
