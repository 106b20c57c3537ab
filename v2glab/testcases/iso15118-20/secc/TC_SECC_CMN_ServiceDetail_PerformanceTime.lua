-- The charger answers ServiceDetailReq within 5000 ms, the V2G_EVCC_Msg_Timeout the car waits for ServiceDetailRes (ISO 15118-20 timing table; no public source gives -20 SECC performance times).
EVCC.Send_ServiceDetailReq_001()
EVCC.Receive_ServiceDetailRes_001()
local ms = EVCC.Get_LastResponseTime()
Verdict('ServiceDetailRes within 5000 ms (' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 5000)
EVCC.Check_ServiceDetailRes_ResponseCode(ResponseCodeType.OK)
