-- In state PowerDelivery the charger answers an out-of-sequence ChargingStatusReq with FAILED_SequenceError and closes [V2G2-538, V2G2-539].
Set_Strict(true)  -- the script owns every message
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
exchange('SessionSetup')
exchange('ServiceDiscovery')
exchange('PaymentServiceSelection')
repeat exchange('Authorization') until Evcc.Get_AuthorizationRes_EVSEProcessing() == EVSEProcessingType.Finished
repeat exchange('ChargeParameterDiscovery') until Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished
Evcc.Send_ChargingStatusReq_001()
Evcc.Receive_ChargingStatusRes_001()
Evcc.Check_ChargingStatusRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
Evcc.Check_ConnectionClosed(2000)
