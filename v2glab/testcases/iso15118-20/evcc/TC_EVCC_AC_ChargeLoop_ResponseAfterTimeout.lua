-- The car gives up at V2G_EVCC_Msg_Timeout (500 ms, ISO 15118-20 timing table) when AC_ChargeLoopRes would come 700 ms late, and closes the connection.
SECC.Receive_AC_ChargeLoopReq_001()
SECC.Set_SendDelay(700)
SECC.Send_AC_ChargeLoopRes_001()  -- after the car closed: not sent, noted in the trace
SECC.Check_ConnectionClosed(1000)
