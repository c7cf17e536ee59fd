self.__kbShard("t71",{"quarantine":"CXzL3XjC","queries":"6YqV","query":"6YqV","question":"0XF1XG1XA1XA1XB1X91X81X81XL1L1XE1XJ1X01XL1XI1J1X01XH1X01XL","questions":"6XnL1XoE8XWS1Xa5","quinn":"FXu7"});
