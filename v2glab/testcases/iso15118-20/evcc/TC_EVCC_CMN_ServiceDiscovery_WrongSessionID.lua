-- The car stops the session when a response carries another SessionID than the one SessionSetupRes gave it.
SECC.Receive_ServiceDiscoveryReq_001()
local assigned = SECC.Get_SessionID()
SECC.Set_SessionID(assigned == '0102030405060708' and '0807060504030201' or '0102030405060708')
SECC.Send_ServiceDiscoveryRes_001()
SECC.Check_ConnectionClosed(6000)  -- 6 s: a car may keep the connection 5 s after the session ends, as after SessionStopRes [V2G20-1643]
