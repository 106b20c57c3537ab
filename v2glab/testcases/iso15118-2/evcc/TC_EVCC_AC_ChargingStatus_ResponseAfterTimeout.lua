-- The car gives up at V2G_EVCC_Msg_Timeout (2000 ms, Table 109) when ChargingStatusRes would come 2200 ms late, and closes the connection.
Secc.Receive_ChargingStatusReq_001()
Secc.Set_SendDelay(2200)
Secc.Send_ChargingStatusRes_001()  -- after the car closed: not sent, noted in the trace
Secc.Check_ConnectionClosed(1000)
