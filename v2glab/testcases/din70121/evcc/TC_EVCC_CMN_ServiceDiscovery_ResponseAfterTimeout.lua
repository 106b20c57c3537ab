-- The car gives up at V2G_EVCC_Msg_Timeout (2000 ms, Table 75) when ServiceDiscoveryRes would come 2200 ms late, and closes the connection.
Secc.Receive_ServiceDiscoveryReq_001()
Secc.Set_SendDelay(2200)
Secc.Send_ServiceDiscoveryRes_001()  -- after the car closed: not sent, noted in the trace
Secc.Check_ConnectionClosed(1000)
