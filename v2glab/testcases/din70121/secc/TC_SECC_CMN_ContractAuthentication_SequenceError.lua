-- After ServicePaymentSelectionRes only ContractAuthenticationReq or SessionStopReq may come [V2G-DC-444]: the charger answers a ChargeParameterDiscoveryReq with FAILED_SequenceError [V2G-DC-390] (pyPLC issue 10).
Set_Strict(true)  -- the script owns every message: it skips ContractAuthentication
for _, name in ipairs({'SessionSetup', 'ServiceDiscovery', 'ServicePaymentSelection'}) do
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
Evcc.Send_ChargeParameterDiscoveryReq_001()
Evcc.Receive_ChargeParameterDiscoveryRes_001()
Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
