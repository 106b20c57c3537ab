-- The car stops the session (closes the connection) when AuthorizationRes carries FAILED_SequenceError.
Secc.Receive_AuthorizationReq_001()
Secc.Set_AuthorizationRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
Secc.Send_AuthorizationRes_001()
Secc.Check_ConnectionClosed(2000)
