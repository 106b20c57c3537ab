-- The car stops the session (closes the connection) when SessionSetupRes carries FAILED.
SECC.Receive_SessionSetupReq_001()
SECC.Set_SessionSetupRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_SessionSetupRes_001()
SECC.Check_ConnectionClosed(2000)
