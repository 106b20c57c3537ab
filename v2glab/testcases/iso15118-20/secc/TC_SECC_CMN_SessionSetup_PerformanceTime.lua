-- The charger answers SessionSetupReq within 2000 ms, the V2G_EVCC_Msg_Timeout the car waits (ISO 15118-20 timing table; no public source gives -20 SECC performance times).
EVCC.Send_SessionSetupReq_001()
EVCC.Receive_SessionSetupRes_001()
local ms = EVCC.Get_LastResponseTime()
Verdict('SessionSetupRes within 2000 ms (' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
EVCC.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)
