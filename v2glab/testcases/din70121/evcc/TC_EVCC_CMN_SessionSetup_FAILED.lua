-- The car stops the session (closes the connection) when SessionSetupRes carries FAILED.
Secc.Receive_SessionSetupReq_001()
Secc.Set_SessionSetupRes_ResponseCode(ResponseCodeType.FAILED)
Secc.Send_SessionSetupRes_001()
Secc.Check_ConnectionClosed(2000)
