-- The car gives up and closes the connection when SessionSetupRes never comes (V2G_EVCC_Msg_Timeout, 2000 ms, DIN SPEC 70121 Table 75).
Secc.Receive_SessionSetupReq_001()
Secc.Withhold_SessionSetupRes_001()
Secc.Check_ConnectionClosed(3000)
