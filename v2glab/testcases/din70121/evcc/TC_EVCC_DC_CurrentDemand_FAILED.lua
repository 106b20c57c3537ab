-- The car stops the session (closes the connection) when CurrentDemandRes carries FAILED.
Secc.Receive_CurrentDemandReq_001()
Secc.Set_CurrentDemandRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_CurrentDemandRes_001()
Secc.Check_ConnectionClosed(2000)
