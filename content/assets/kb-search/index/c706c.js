self.__kbShard("c706c","place placed platform playback pledgelock plist plus");
