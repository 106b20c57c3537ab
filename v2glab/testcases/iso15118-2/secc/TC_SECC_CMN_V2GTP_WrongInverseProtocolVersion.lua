-- The charger closes the connection without an answer to a SessionSetupReq behind a V2GTP header whose inverse version does not match [V2G2-114].
Evcc.Set_V2GTP_InverseProtocolVersion(0x00)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(2000)
