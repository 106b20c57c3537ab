-- In state PaymentServiceSelection the charger answers an out-of-sequence AuthorizationReq with FAILED_SequenceError and closes [V2G2-538, V2G2-539].
Set_Strict(true)  -- the script owns every message
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
exchange('SessionSetup')
exchange('ServiceDiscovery')
Evcc.Send_AuthorizationReq_001()
Evcc.Receive_AuthorizationRes_001()
Evcc.Check_AuthorizationRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
Evcc.Check_ConnectionClosed(2000)
