-- The car repeats ChargeParameterDiscoveryReq while ChargeParameterDiscoveryRes says Ongoing, and goes on to CableCheckReq after Finished [V2G-DC-453].
for i = 1, 3 do
  Secc.Receive_ChargeParameterDiscoveryReq_001()
  if not Secc.Check_Received_ChargeParameterDiscoveryReq() then
    Verdict('ChargeParameterDiscoveryReq repeated after Ongoing ' .. (i - 1), false)
    return
  end
  Secc.Set_ChargeParameterDiscoveryRes_EVSEProcessing(EVSEProcessingType.Ongoing)
  Secc.Send_ChargeParameterDiscoveryRes_001()
end
Secc.Receive_ChargeParameterDiscoveryReq_001()
Verdict('ChargeParameterDiscoveryReq repeated after Ongoing 3', Secc.Check_Received_ChargeParameterDiscoveryReq())
Secc.Set_ChargeParameterDiscoveryRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_ChargeParameterDiscoveryRes_001()
Secc.Receive_CableCheckReq_001()
Verdict('CableCheckReq after Finished', Secc.Check_Received_CableCheckReq())
