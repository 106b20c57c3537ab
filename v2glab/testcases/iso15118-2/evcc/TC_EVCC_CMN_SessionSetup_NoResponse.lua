-- The car gives up and closes the connection when SessionSetupRes never comes (V2G_EVCC_Msg_Timeout, ISO 15118-2 Table 109).
Secc.Receive_SessionSetupReq_001()
Secc.Withhold_SessionSetupRes_001()
Secc.Check_ConnectionClosed(3000)
