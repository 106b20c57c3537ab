-- The car gives up and closes the connection when ChargingStatusRes never comes (V2G_EVCC_Msg_Timeout, ISO 15118-2 Table 109).
Secc.Receive_ChargingStatusReq_001()
Secc.Withhold_ChargingStatusRes_001()
Secc.Check_ConnectionClosed(3000)
