-- The car gives up and closes the connection when DC_ChargeLoopRes never comes (500 ms V2G_EVCC_Msg_Timeout, ISO 15118-20 timing table).
SECC.Receive_DC_ChargeLoopReq_001()
SECC.Withhold_DC_ChargeLoopRes_001()
SECC.Check_ConnectionClosed(6500)  -- its 500 ms timeout, then it may keep the connection 5 s, as after SessionStopRes [V2G20-1643]
