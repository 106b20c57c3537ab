-- The car stops the session (closes the connection) when AC_ChargeParameterDiscoveryRes carries FAILED_WrongChargeParameter.
SECC.Receive_AC_ChargeParameterDiscoveryReq_001()
SECC.Set_AC_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_WrongChargeParameter)
SECC.Send_AC_ChargeParameterDiscoveryRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
