-- The car stops the session when a response carries another SessionID than the one SessionSetupRes gave it (a car echoes the SessionID byte for byte).
Secc.Receive_ServiceDiscoveryReq_001()
local assigned = Secc.Get_SessionID()
Secc.Set_SessionID(assigned == '0102030405060708' and '0807060504030201' or '0102030405060708')
Secc.Send_ServiceDiscoveryRes_001()
Secc.Check_ConnectionClosed(2000)
