-- The car stops the session (closes the connection) when PowerDeliveryRes carries FAILED_ContactorError.
-- DC: PreCharge may repeat first (a DC_PreChargeReq returns at once): the engine answers it, the script waits again
repeat SECC.Receive_PowerDeliveryReq_001() until not SECC.Check_Received_DC_PreChargeReq()
SECC.Set_PowerDeliveryRes_ResponseCode(ResponseCodeType.FAILED_ContactorError)
SECC.Send_PowerDeliveryRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
