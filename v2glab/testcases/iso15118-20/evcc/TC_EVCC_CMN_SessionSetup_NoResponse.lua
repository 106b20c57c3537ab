-- The car gives up and closes the connection when SessionSetupRes never comes (2000 ms V2G_EVCC_Msg_Timeout, ISO 15118-20 timing table).
SECC.Receive_SessionSetupReq_001()
SECC.Withhold_SessionSetupRes_001()
SECC.Check_ConnectionClosed(8000)  -- its 2 s timeout, then it may keep the connection 5 s, as after SessionStopRes [V2G20-1643]
