-- The charger closes the connection without an answer to a DC_CableCheckReq (DC, 0x8004) sent as V2GTP payload type 0x8002 (CommonMessages).
EVCC.Set_V2GTP_PayloadType(0x8002)
EVCC.Send_DC_CableCheckReq_001()
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
