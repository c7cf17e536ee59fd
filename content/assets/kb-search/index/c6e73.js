self.__kbShard("c6e73","ns nsextensionpointidentifier nsobject nsxpc nsxpcconnection nsxpcconnectionprivileged nsxpclistener");
