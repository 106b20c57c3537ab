-- The car stops the session (closes the connection) when PowerDeliveryRes carries FAILED_ContactorError.
SECC.Receive_PowerDeliveryReq_001()
SECC.Set_PowerDeliveryRes_ResponseCode(ResponseCodeType.FAILED_ContactorError)
SECC.Send_PowerDeliveryRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
