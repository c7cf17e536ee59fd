self.__kbShard("c7375","submitted subnet subnetmasks subset succeeds success successfully such suffix suggest suggestions suggests super superset supervised supervision support supported");
