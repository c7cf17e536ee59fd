self.__kbShard("c7369","side sign signal signature signed signing signinghelper silent silently similar simple simpleurlfilter simpleurlfilterextension simulating single sip situation size");
