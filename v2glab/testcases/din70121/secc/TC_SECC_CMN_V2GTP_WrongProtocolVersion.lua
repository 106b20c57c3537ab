-- The charger sends no answer to a SessionSetupReq behind a V2GTP header with protocol version 2 and closes the connection within the car's V2G_EVCC_Msg_Timeout (2 s, Table 75).
Evcc.Set_V2GTP_ProtocolVersion(0x02)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'SessionSetupReq'))  -- before the car's own V2G_EVCC_Msg_Timeout ends: after that it has given up
