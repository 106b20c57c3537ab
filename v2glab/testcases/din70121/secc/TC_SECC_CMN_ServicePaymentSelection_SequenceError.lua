-- After ServiceDiscoveryRes only ServicePaymentSelectionReq or SessionStopReq may come [V2G-DC-441]: the charger answers a ContractAuthenticationReq with FAILED_SequenceError [V2G-DC-390].
Set_Strict(true)  -- the script owns every message: it skips ServicePaymentSelection
for _, name in ipairs({'SessionSetup', 'ServiceDiscovery'}) do
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end
Evcc.Send_ContractAuthenticationReq_001()
Evcc.Receive_ContractAuthenticationRes_001()
Evcc.Check_ContractAuthenticationRes_ResponseCode(ResponseCodeType.FAILED_SequenceError)
