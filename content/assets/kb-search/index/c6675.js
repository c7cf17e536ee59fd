self.__kbShard("c6675","full func functional functionality functioning further");
