-- The car gives up at V2G_EVCC_Msg_Timeout (500 ms, ISO 15118-20 timing table) when DC_ChargeLoopRes would come 700 ms late: it does not go on with the late response, and closes the connection.
SECC.Receive_DC_ChargeLoopReq_001()
SECC.Set_SendDelay(700)
SECC.Send_DC_ChargeLoopRes_001()  -- not sent if the car closed already; else the car must ignore it
SECC.Check_ConnectionClosed(6000)  -- it may keep the connection 5 s, as after SessionStopRes [V2G20-1643], but must not go on
