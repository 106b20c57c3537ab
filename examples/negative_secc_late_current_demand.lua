-- Negative test: a DC charger that answers the second CurrentDemandReq 40 ms late (limit 25 ms).
-- v2glab run ... --junit report.xml: the timing oracle flags that CurrentDemandRes in test case "charge loop".
local function receive(name)
  Secc['Receive_' .. name .. '_001']()
  return Secc['Check_Received_' .. name]()
end
TestCase('setup', function()
  receive('SessionSetupReq');              Secc.Send_SessionSetupRes_001()
  receive('ServiceDiscoveryReq');          Secc.Send_ServiceDiscoveryRes_001()
  receive('PaymentServiceSelectionReq');   Secc.Send_PaymentServiceSelectionRes_001()
  receive('AuthorizationReq'); Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished); Secc.Send_AuthorizationRes_001()
  receive('ChargeParameterDiscoveryReq');  Secc.Send_ChargeParameterDiscoveryRes_001()
  receive('CableCheckReq'); Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Finished); Secc.Send_CableCheckRes_001()
  while receive('PreChargeReq') do
    Secc.Set_PreChargeRes_EVSEPresentVoltage_Value(Secc.Get_PreChargeReq_EVTargetVoltage_Value())
    Secc.Send_PreChargeRes_001()
  end
  Secc.Send_PowerDeliveryRes_001()
end)
TestCase('charge loop', function()
  local n = 0
  while receive('CurrentDemandReq') do
    n = n + 1
    if n == 2 then Secc.Set_SendDelay(40) end
    Secc.Send_CurrentDemandRes_001()
  end
  Secc.Send_PowerDeliveryRes_001()
end)
TestCase('stop', function()
  while receive('WeldingDetectionReq') do Secc.Set_WeldingDetectionRes_EVSEPresentVoltage_Value(0); Secc.Send_WeldingDetectionRes_001() end
  Secc.Send_SessionStopRes_001()
end)
