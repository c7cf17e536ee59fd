self.__kbShard("c7461","tab tahoe tailscale tap target targets task");
