self.__kbShard("c6f75","out outbound outboundbytes outbounddata outbounddatacomplete outboundpeekbytes output outside");
