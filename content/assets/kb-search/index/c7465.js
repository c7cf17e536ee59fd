self.__kbShard("c7465","team teamidentifier technical technology temporary terminated test tested testing testvpn text");
