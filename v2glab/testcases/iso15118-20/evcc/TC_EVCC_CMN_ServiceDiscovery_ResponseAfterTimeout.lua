-- The car gives up at V2G_EVCC_Msg_Timeout (2000 ms, ISO 15118-20 timing table) when ServiceDiscoveryRes would come 2200 ms late, and closes the connection.
SECC.Receive_ServiceDiscoveryReq_001()
SECC.Set_SendDelay(2200)
SECC.Send_ServiceDiscoveryRes_001()  -- after the car closed: not sent, noted in the trace
SECC.Check_ConnectionClosed(1000)
