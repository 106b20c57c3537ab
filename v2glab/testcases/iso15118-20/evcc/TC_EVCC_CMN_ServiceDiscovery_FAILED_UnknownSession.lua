-- The car stops the session (closes the connection) when ServiceDiscoveryRes carries FAILED_UnknownSession.
SECC.Receive_ServiceDiscoveryReq_001()
SECC.Set_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_UnknownSession)
SECC.Send_ServiceDiscoveryRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
