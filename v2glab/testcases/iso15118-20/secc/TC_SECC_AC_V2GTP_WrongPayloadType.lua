-- The charger closes the connection without an answer to an AC_ChargeLoopReq (AC, 0x8003) sent as V2GTP payload type 0x8004 (DC).
EVCC.Set_V2GTP_PayloadType(0x8004)
EVCC.Send_AC_ChargeLoopReq_001()
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
