-- The car closes the connection when SessionSetupRes (CommonMessages, payload type 0x8002) comes as V2GTP payload type 0x8001.
SECC.Receive_SessionSetupReq_001()
SECC.Set_V2GTP_PayloadType(0x8001)
SECC.Send_SessionSetupRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
