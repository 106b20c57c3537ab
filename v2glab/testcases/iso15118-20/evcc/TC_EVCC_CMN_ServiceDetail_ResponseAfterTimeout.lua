-- The car gives up at V2G_EVCC_Msg_Timeout (5000 ms, ISO 15118-20 timing table) when ServiceDetailRes would come 5300 ms late: it does not go on with the late response, and closes the connection.
SECC.Receive_ServiceDetailReq_001()
SECC.Set_SendDelay(5300)
SECC.Send_ServiceDetailRes_001()  -- not sent if the car closed already; else the car must ignore it
SECC.Check_ConnectionClosed(6000)  -- it may keep the connection 5 s, as after SessionStopRes [V2G20-1643], but must not go on
