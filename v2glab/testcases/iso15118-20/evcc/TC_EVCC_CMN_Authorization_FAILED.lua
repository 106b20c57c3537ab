-- The car stops the session (closes the connection) when AuthorizationRes carries FAILED.
SECC.Receive_AuthorizationReq_001()
SECC.Set_AuthorizationRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_AuthorizationRes_001()
SECC.Check_ConnectionClosed(2000)
