-- Before SessionSetup the charger answers a ServiceDiscoveryReq with FAILED_SequenceError or FAILED_UnknownSession and closes [V2G2-538, V2G2-539].
Set_Strict(true)  -- the script owns every message: ServiceDiscoveryReq right after the handshake
Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
local code = Evcc.Get_ServiceDiscoveryRes_ResponseCode()
Verdict('ServiceDiscoveryRes FAILED_SequenceError or FAILED_UnknownSession (got ' .. tostring(code) .. ')',
        code == ResponseCodeType.FAILED_SequenceError or code == ResponseCodeType.FAILED_UnknownSession)
Evcc.Check_ConnectionClosed(2000)
