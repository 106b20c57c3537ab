-- The car stops the session (closes the connection) when DC_CableCheckRes carries FAILED.
SECC.Receive_DC_CableCheckReq_001()
SECC.Set_DC_CableCheckRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_DC_CableCheckRes_001()
SECC.Check_ConnectionClosed(2000)
