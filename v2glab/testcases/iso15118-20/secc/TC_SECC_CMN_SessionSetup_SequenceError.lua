-- Before SessionSetup the charger answers a ServiceDiscoveryReq with FAILED_SequenceError or FAILED_UnknownSession and closes the connection.
Set_Strict(true)  -- the script owns every message
local function exchange(name)
  EVCC['Send_' .. name .. 'Req_001']()
  EVCC['Receive_' .. name .. 'Res_001']()
end
EVCC.Send_ServiceDiscoveryReq_001()
EVCC.Receive_ServiceDiscoveryRes_001()
local code = EVCC.Get_ServiceDiscoveryRes_ResponseCode()
Verdict('ServiceDiscoveryRes FAILED_SequenceError or FAILED_UnknownSession (got ' .. tostring(code) .. ')',
        code == ResponseCodeType.FAILED_SequenceError or code == ResponseCodeType.FAILED_UnknownSession)
EVCC.Check_ConnectionClosed(6000)  -- 6 s: the margin of the 5 s close delay after SessionStopRes [V2G20-1643]
