-- The charger closes the connection without an answer to a SessionSetupReq behind a V2GTP header with protocol version 2 [V2G2-114].
Evcc.Set_V2GTP_ProtocolVersion(0x02)
Evcc.Send_SessionSetupReq_001()
-- within the car's V2G_EVCC_Msg_Timeout for the request (2 s): a car that got no answer gives up then itself
Evcc.Check_ConnectionClosed(Evcc.Get_Timer('V2G_EVCC_Msg_Timeout', 'SessionSetupReq'))
