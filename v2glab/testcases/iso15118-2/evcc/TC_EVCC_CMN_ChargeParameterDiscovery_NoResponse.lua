-- The car gives up and closes the connection when ChargeParameterDiscoveryRes never comes (V2G_EVCC_Msg_Timeout, ISO 15118-2 Table 109).
Secc.Receive_ChargeParameterDiscoveryReq_001()
Secc.Withhold_ChargeParameterDiscoveryRes_001()
Secc.Check_ConnectionClosed(3000)
