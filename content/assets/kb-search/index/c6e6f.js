self.__kbShard("c6e6f","non nonatomic none normal normally not notarization notarize notarized note notes notfound noticed notification notifications novi novicontentfilter now");
