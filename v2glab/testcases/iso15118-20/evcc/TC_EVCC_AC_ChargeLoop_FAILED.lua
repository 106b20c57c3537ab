-- The car stops the session (closes the connection) when AC_ChargeLoopRes carries FAILED.
SECC.Receive_AC_ChargeLoopReq_001()
SECC.Set_AC_ChargeLoopRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_AC_ChargeLoopRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
