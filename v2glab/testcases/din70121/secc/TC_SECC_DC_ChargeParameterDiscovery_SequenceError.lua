-- After ContractAuthenticationRes(Finished) only ChargeParameterDiscoveryReq or SessionStopReq may come [V2G-DC-498]: the charger answers a CableCheckReq with FAILED_SequenceError [V2G-DC-390].
Set_Strict(true)  -- the script owns every message: it skips ChargeParameterDiscovery
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
exchange('SessionSetup')
exchange('ServiceDiscovery')
exchange('ServicePaymentSelection')
repeat exchange('ContractAuthentication') until Evcc.Get_ContractAuthenticationRes_EVSEProcessing() ~= EVSEProcessingType.Ongoing
Evcc.Send_CableCheckReq_001()
Evcc.Receive_CableCheckRes_001()
Evcc.Check_CableCheckRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
