-- A request with another SessionID than the one the charger assigned gets FAILED_UnknownSession [V2G-DC-391].
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
local assigned = Evcc.Get_SessionID()
Evcc.Set_SessionID(assigned == '0102030405060708' and '0807060504030201' or '0102030405060708')
Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
Evcc.Check_ServiceDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_UnknownSession)
