-- Right after the handshake only SessionSetupReq may come [V2G-DC-437]: the charger answers a ServiceDiscoveryReq with FAILED_SequenceError [V2G-DC-390] or FAILED_UnknownSession [V2G-DC-391].
Set_Strict(true)  -- the script owns every message: ServiceDiscoveryReq right after the handshake
Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
local code = Evcc.Get_ServiceDiscoveryRes_ResponseCode()
Verdict('ServiceDiscoveryRes FAILED_SequenceError or FAILED_UnknownSession (got ' .. tostring(code) .. ')',
        code == ResponseCodeType.FAILED_SequenceError or code == ResponseCodeType.FAILED_UnknownSession)
