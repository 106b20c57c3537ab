-- The car stops the session (closes the connection) when DC_CableCheckRes carries FAILED.
SECC.Receive_DC_CableCheckReq_001()
SECC.Set_DC_CableCheckRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_DC_CableCheckRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
