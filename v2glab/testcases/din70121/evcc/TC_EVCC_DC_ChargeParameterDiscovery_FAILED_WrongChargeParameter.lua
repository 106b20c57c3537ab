-- The car stops the session (closes the connection) when ChargeParameterDiscoveryRes carries FAILED_WrongChargeParameter.
Secc.Receive_ChargeParameterDiscoveryReq_001()
Secc.Set_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_WrongChargeParameter)
Secc.Send_ChargeParameterDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
