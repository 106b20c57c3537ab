-- The car stops the session (closes the connection) when ServiceDiscoveryRes carries FAILED_SequenceError.
Secc.Receive_ServiceDiscoveryReq_001()
Secc.Set_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
Secc.Send_ServiceDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
