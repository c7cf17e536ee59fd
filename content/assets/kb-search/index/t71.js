self.__kbShard("t71",{"quarantine":"CXzD3Xj6","queries":"6YqN","query":"6YqN","question":"0X81X91X41X41X51X31X21X21XE1I1X81XB1S1XD1XB1G1R1XA1S1XD","questions":"6XnF1Xo88XWM1Xa0","quinn":"FXu1"});
