-- The car stops the session (closes the connection) when ServiceDiscoveryRes carries FAILED_UnknownSession.
SECC.Receive_ServiceDiscoveryReq_001()
SECC.Set_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_UnknownSession)
SECC.Send_ServiceDiscoveryRes_001()
SECC.Check_ConnectionClosed(2000)
