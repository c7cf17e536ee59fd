self.__kbShard("c746f","to toggle togglevpn token tool topreferences total toying");
