-- The charger closes the connection without an answer to a SessionSetupReq behind a V2GTP header with protocol version 2 [V2G2-114].
Evcc.Set_V2GTP_ProtocolVersion(0x02)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(2000)
