self.__kbShard("c7379","sysdiagnose sysextd system systemextension systemextensionerror systemextensions systems");
