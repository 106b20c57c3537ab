-- The car stops the session (closes the connection) when ContractAuthenticationRes carries FAILED.
Secc.Receive_ContractAuthenticationReq_001()
Secc.Set_ContractAuthenticationRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_ContractAuthenticationRes_001()
Secc.Check_ConnectionClosed(2000)
