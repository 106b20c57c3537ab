-- The car stops the session (closes the connection) when ChargeParameterDiscoveryRes carries FAILED.
Secc.Receive_ChargeParameterDiscoveryReq_001()
Secc.Set_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_ChargeParameterDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
