-- The car stops the session (closes the connection) when PreChargeRes carries FAILED.
Secc.Receive_PreChargeReq_001()
Secc.Set_PreChargeRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_PreChargeRes_001()
Secc.Check_ConnectionClosed(2000)
