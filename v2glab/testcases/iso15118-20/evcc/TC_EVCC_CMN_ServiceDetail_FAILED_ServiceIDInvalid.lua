-- The car stops the session (closes the connection) when ServiceDetailRes carries FAILED_ServiceIDInvalid.
SECC.Receive_ServiceDetailReq_001()
SECC.Set_ServiceDetailRes_ResponseCode(ResponseCodeType.FAILED_ServiceIDInvalid)
SECC.Send_ServiceDetailRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
