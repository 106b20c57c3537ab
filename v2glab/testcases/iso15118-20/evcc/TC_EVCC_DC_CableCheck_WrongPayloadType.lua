-- The car closes the connection when DC_CableCheckRes (DC, payload type 0x8004) comes as V2GTP payload type 0x8002 (CommonMessages).
SECC.Receive_DC_CableCheckReq_001()
SECC.Set_V2GTP_PayloadType(0x8002)
SECC.Send_DC_CableCheckRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
