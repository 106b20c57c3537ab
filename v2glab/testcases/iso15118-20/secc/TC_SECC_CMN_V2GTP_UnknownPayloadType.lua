-- The charger closes the connection without an answer to a SessionSetupReq behind a V2GTP header with an unknown payload type (0x9999).
EVCC.Set_V2GTP_PayloadType(0x9999)
EVCC.Send_SessionSetupReq_001()
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
