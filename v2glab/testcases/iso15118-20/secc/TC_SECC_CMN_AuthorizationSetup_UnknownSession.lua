-- A request with another SessionID than the one SessionSetupRes assigned gets FAILED_UnknownSession, and the charger closes the connection.
EVCC.Send_SessionSetupReq_001()
EVCC.Receive_SessionSetupRes_001()
local assigned = EVCC.Get_SessionID()
EVCC.Set_SessionID(assigned == '0102030405060708' and '0807060504030201' or '0102030405060708')
EVCC.Send_AuthorizationSetupReq_001()
EVCC.Receive_AuthorizationSetupRes_001()
EVCC.Check_AuthorizationSetupRes_ResponseCode(ResponseCodeType.FAILED_UnknownSession)
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
