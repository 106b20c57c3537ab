-- The charger closes the connection without an answer to a SessionSetupReq behind a V2GTP header with protocol version 0x02 (inverse 0xFD).
EVCC.Set_V2GTP_ProtocolVersion(0x02)
EVCC.Set_V2GTP_InverseProtocolVersion(0xFD)
EVCC.Send_SessionSetupReq_001()
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
