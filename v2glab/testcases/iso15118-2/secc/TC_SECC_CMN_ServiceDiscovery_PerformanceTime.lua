-- ServiceDiscoveryRes comes within V2G_SECC_Msg_Performance_Time (1500 ms, ISO 15118-2 Table 109).
-- Hybrid play: the engine plays the car up to ServiceDiscoveryReq; the script sends it and times the answer.
Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
local ms = Evcc.Get_LastResponseTime()
Verdict('ServiceDiscoveryRes within 1500 ms (took ' .. tostring(ms) .. ' ms)', ms ~= nil and ms <= 1500)
