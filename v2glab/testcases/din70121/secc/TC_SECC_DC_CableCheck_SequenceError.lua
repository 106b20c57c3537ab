-- After ChargeParameterDiscoveryRes(Finished) only CableCheckReq or SessionStopReq may come [V2G-DC-453]: the charger answers a PreChargeReq with FAILED_SequenceError [V2G-DC-390].
Set_Strict(true)  -- the script owns every message: it skips CableCheck
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
exchange('SessionSetup')
exchange('ServiceDiscovery')
exchange('ServicePaymentSelection')
repeat exchange('ContractAuthentication') until Evcc.Get_ContractAuthenticationRes_EVSEProcessing() ~= EVSEProcessingType.Ongoing
repeat exchange('ChargeParameterDiscovery') until Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() ~= EVSEProcessingType.Ongoing
Evcc.Send_PreChargeReq_001()
Evcc.Receive_PreChargeRes_001()
Evcc.Check_PreChargeRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
