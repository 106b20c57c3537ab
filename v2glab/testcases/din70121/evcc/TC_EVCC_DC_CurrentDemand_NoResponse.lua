-- The car gives up and closes the connection when CurrentDemandRes never comes (V2G_EVCC_Msg_Timeout for CurrentDemand, 250 ms, DIN SPEC 70121 Table 75).
Secc.Receive_CurrentDemandReq_001()
Secc.Withhold_CurrentDemandRes_001()
Secc.Check_ConnectionClosed(1000)
