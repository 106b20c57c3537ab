-- The car stops the session (closes the connection) when ScheduleExchangeRes carries FAILED.
SECC.Receive_ScheduleExchangeReq_001()
SECC.Set_ScheduleExchangeRes_ResponseCode(ResponseCodeType.FAILED)
SECC.Send_ScheduleExchangeRes_001()
SECC.Check_ConnectionClosed(2000)
