-- The car stops the session (closes the connection) when SessionSetupRes carries FAILED.
SECC.Receive_SessionSetupReq_001()
SECC.Set_SessionSetupRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_SessionSetupRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
