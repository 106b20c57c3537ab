-- SessionSetupRes comes within the car's V2G_EVCC_Msg_Timeout (2000 ms, DIN SPEC 70121 Table 75); DIN sets no SECC performance time.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
local ms = Evcc.Get_LastResponseTime()
Verdict('SessionSetupRes within 2000 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 2000)
