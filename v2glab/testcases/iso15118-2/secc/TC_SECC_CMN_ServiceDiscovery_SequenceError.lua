-- In state ServiceDiscovery the charger answers an out-of-sequence ChargeParameterDiscoveryReq with FAILED_SequenceError and closes [V2G2-538, V2G2-539].
Set_Strict(true)  -- the script owns every message
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
exchange('SessionSetup')
Evcc.Send_ChargeParameterDiscoveryReq_001()
Evcc.Receive_ChargeParameterDiscoveryRes_001()
Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
Evcc.Check_ConnectionClosed(2000)
