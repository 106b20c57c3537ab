-- The car repeats ContractAuthenticationReq while ContractAuthenticationRes says Ongoing [V2G-DC-497], and goes on to ChargeParameterDiscoveryReq after Finished [V2G-DC-498].
for i = 1, 3 do
  Secc.Receive_ContractAuthenticationReq_001()
  if not Secc.Check_Received_ContractAuthenticationReq() then
    Verdict('ContractAuthenticationReq repeated after Ongoing ' .. (i - 1), false)
    return
  end
  Secc.Set_ContractAuthenticationRes_EVSEProcessing(EVSEProcessingType.Ongoing)
  Secc.Send_ContractAuthenticationRes_001()
end
Secc.Receive_ContractAuthenticationReq_001()
Verdict('ContractAuthenticationReq repeated after Ongoing 3', Secc.Check_Received_ContractAuthenticationReq())
Secc.Set_ContractAuthenticationRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_ContractAuthenticationRes_001()
Secc.Receive_ChargeParameterDiscoveryReq_001()
Verdict('ChargeParameterDiscoveryReq after Finished', Secc.Check_Received_ChargeParameterDiscoveryReq())
