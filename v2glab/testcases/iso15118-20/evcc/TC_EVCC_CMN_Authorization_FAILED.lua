-- The car stops the session (closes the connection) when AuthorizationRes carries FAILED.
SECC.Receive_AuthorizationReq_001()
SECC.Set_AuthorizationRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_AuthorizationRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
