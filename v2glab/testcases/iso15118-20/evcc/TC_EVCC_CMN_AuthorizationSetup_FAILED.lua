-- The car stops the session (closes the connection) when AuthorizationSetupRes carries FAILED.
SECC.Receive_AuthorizationSetupReq_001()
SECC.Set_AuthorizationSetupRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_AuthorizationSetupRes_001()
SECC.Check_ConnectionClosed(2000)
