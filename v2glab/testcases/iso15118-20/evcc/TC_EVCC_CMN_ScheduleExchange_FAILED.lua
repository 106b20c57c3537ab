-- The car stops the session (closes the connection) when ScheduleExchangeRes carries FAILED.
SECC.Receive_ScheduleExchangeReq_001()
SECC.Set_ScheduleExchangeRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_ScheduleExchangeRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
