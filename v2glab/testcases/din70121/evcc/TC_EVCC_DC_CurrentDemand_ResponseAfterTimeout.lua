-- The car gives up at V2G_EVCC_Msg_Timeout for CurrentDemand (250 ms, Table 75) when CurrentDemandRes would come 400 ms late, and closes the connection.
Secc.Receive_CurrentDemandReq_001()
Secc.Set_SendDelay(400)
Secc.Send_CurrentDemandRes_001()  -- after the car closed: not sent, noted in the trace
Secc.Check_ConnectionClosed(1000)
