-- The car stops the session (closes the connection) when CableCheckRes carries FAILED.
Secc.Receive_CableCheckReq_001()
Secc.Set_CableCheckRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_CableCheckRes_001()
Secc.Check_ConnectionClosed(2000)
