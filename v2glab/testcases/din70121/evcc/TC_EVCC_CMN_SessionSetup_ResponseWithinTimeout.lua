-- The car waits for a SessionSetupRes sent 1400 ms late, inside its V2G_EVCC_Msg_Timeout (2000 ms, Table 75), and goes on with ServiceDiscoveryReq [V2G-DC-439].
Secc.Receive_SessionSetupReq_001()
Secc.Set_SendDelay(1400)
Secc.Send_SessionSetupRes_001()
Secc.Receive_ServiceDiscoveryReq_001()
Verdict('the car went on with ServiceDiscoveryReq', Secc.Check_Received_ServiceDiscoveryReq())
