-- The car stops the session (closes the connection) when ServiceDiscoveryRes carries FAILED_UnknownSession.
Secc.Receive_ServiceDiscoveryReq_001()
Secc.Set_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_UnknownSession)
Secc.Send_ServiceDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
