-- The car stops the session (closes the connection) when DC_PreChargeRes carries FAILED.
SECC.Receive_DC_PreChargeReq_001()
SECC.Set_DC_PreChargeRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_DC_PreChargeRes_001()
SECC.Check_ConnectionClosed(2000)
