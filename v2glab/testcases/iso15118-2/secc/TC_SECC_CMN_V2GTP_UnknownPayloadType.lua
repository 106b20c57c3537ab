-- The charger closes the connection without an answer to a SessionSetupReq behind a V2GTP header with an unknown payload type [V2G2-114].
Evcc.Set_V2GTP_PayloadType(0x9999)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(2000)
