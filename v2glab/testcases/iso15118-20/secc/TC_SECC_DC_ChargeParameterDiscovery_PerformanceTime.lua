-- The charger answers DC_ChargeParameterDiscoveryReq within 2000 ms, the V2G_EVCC_Msg_Timeout the car waits (ISO 15118-20 timing table; no public source gives -20 SECC performance times).
EVCC.Send_DC_ChargeParameterDiscoveryReq_001()
EVCC.Receive_DC_ChargeParameterDiscoveryRes_001()
local ms = EVCC.Get_LastResponseTime()
Verdict('DC_ChargeParameterDiscoveryRes within 2000 ms (' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
EVCC.Check_DC_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.OK)
