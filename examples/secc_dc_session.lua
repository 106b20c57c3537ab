-- A complete DC session played by a script as the charger (v2glab run examples/secc_dc_session.lua --role secc --profile dc).
local function receive(name)
  Secc['Receive_' .. name .. '_001']()
  return Secc['Check_Received_' .. name]()
end

receive('SessionSetupReq');              Secc.Send_SessionSetupRes_001()
receive('ServiceDiscoveryReq');          Secc.Send_ServiceDiscoveryRes_001()
receive('PaymentServiceSelectionReq');   Secc.Send_PaymentServiceSelectionRes_001()
receive('AuthorizationReq')
Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_AuthorizationRes_001()
receive('ChargeParameterDiscoveryReq')
Verdict('EV asks for DC', Secc.Get_ChargeParameterDiscoveryReq_RequestedEnergyTransferMode() == EnergyTransferModeType.DC_extended)
Secc.Send_ChargeParameterDiscoveryRes_001()

receive('CableCheckReq')
Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Valid)
Secc.Send_CableCheckRes_001()

-- PreCharge: report the EV's target voltage at once
while receive('PreChargeReq') do
  Secc.Set_PreChargeRes_EVSEPresentVoltage_Multiplier(Secc.Get_PreChargeReq_EVTargetVoltage_Multiplier())
  Secc.Set_PreChargeRes_EVSEPresentVoltage_Value(Secc.Get_PreChargeReq_EVTargetVoltage_Value())
  Secc.Send_PreChargeRes_001()
end
if not Secc.Check_Received_PowerDeliveryReq() then Verdict('PowerDeliveryReq after PreCharge', false) return end
Secc.Send_PowerDeliveryRes_001()

while receive('CurrentDemandReq') do
  Secc.Set_CurrentDemandRes_EVSEPresentVoltage_Value(Secc.Get_CurrentDemandReq_EVTargetVoltage_Value())
  Secc.Set_CurrentDemandRes_EVSEPresentCurrent_Value(Secc.Get_CurrentDemandReq_EVTargetCurrent_Value())
  Secc.Send_CurrentDemandRes_001()
end
Secc.Send_PowerDeliveryRes_001()

while receive('WeldingDetectionReq') do
  Secc.Set_WeldingDetectionRes_EVSEPresentVoltage_Value(0)
  Secc.Send_WeldingDetectionRes_001()
end
Verdict('SessionStopReq ends the session', Secc.Check_Received_SessionStopReq())
Secc.Send_SessionStopRes_001()
