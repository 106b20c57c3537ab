-- The charger sends no answer to a SessionSetupReq behind a V2GTP header with an unknown payload type and closes the connection within the car's V2G_EVCC_Msg_Timeout (2 s, Table 75).
Evcc.Set_V2GTP_PayloadType(0x9999)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'SessionSetupReq'))  -- before the car's own V2G_EVCC_Msg_Timeout ends: after that it has given up
