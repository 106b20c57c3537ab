-- A complete DIN SPEC 70121 DC session played by a script as the charger
-- (v2glab run examples/secc_din_session.lua --role secc --profile dc --protocol din70121).
-- DIN differs from ISO 15118-2: ExternalPayment only, ServicePaymentSelection and
-- ContractAuthentication, a hexBinary EVSEID, a boolean ReadyToChargeState, no renegotiation.
local function receive(name)
  Secc['Receive_' .. name .. '_001']()
  return Secc['Check_Received_' .. name]()
end

receive('SessionSetupReq')
Secc.Set_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)
Secc.Set_SessionSetupRes_EVSEID('49A89A6360')  -- "49*89*6360", one nibble per character (DIN SPEC 91286)
Secc.Send_SessionSetupRes_001()

receive('ServiceDiscoveryReq')
Secc.Send_ServiceDiscoveryRes_001()

receive('ServicePaymentSelectionReq')
Verdict('EV pays externally', Secc.Get_ServicePaymentSelectionReq_SelectedPaymentOption() == PaymentOptionType.ExternalPayment)
Verdict('EV selects the charge service', Secc.Exist_ServicePaymentSelection_SelectedService(1))
Secc.Send_ServicePaymentSelectionRes_001()

-- ContractAuthentication: Ongoing once (the driver pays at the terminal), then Finished
receive('ContractAuthenticationReq')
Secc.Set_ContractAuthenticationRes_EVSEProcessing(EVSEProcessingType.Ongoing)
Secc.Send_ContractAuthenticationRes_001()
receive('ContractAuthenticationReq')
Secc.Set_ContractAuthenticationRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_ContractAuthenticationRes_001()

receive('ChargeParameterDiscoveryReq')
Verdict('EV asks for DC', Secc.Get_ChargeParameterDiscoveryReq_EVRequestedEnergyTransferType() == EVRequestedEnergyTransferType.DC_extended)
Secc.Set_ChargeParameterDiscoveryRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_ChargeParameterDiscoveryRes_001()

-- CableCheck: isolation monitoring once, then Finished with EVSE_Ready and a Valid isolation
receive('CableCheckReq')
Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Ongoing)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_IsolationMonitoringActive)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Invalid)
Secc.Send_CableCheckRes_001()
receive('CableCheckReq')
Secc.Set_CableCheckRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
Secc.Set_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Valid)
Secc.Send_CableCheckRes_001()

-- PreCharge: report the EV's target voltage at once
while receive('PreChargeReq') do
  Secc.Set_PreChargeRes_ResponseCode(ResponseCodeType.OK)
  Secc.Set_PreChargeRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
  Secc.Set_PreChargeRes_EVSEPresentVoltage_Multiplier(Secc.Get_PreChargeReq_EVTargetVoltage_Multiplier())
  Secc.Set_PreChargeRes_EVSEPresentVoltage_Value(Secc.Get_PreChargeReq_EVTargetVoltage_Value())
  Secc.Send_PreChargeRes_001()
end
if not Secc.Check_Received_PowerDeliveryReq() then Verdict('PowerDeliveryReq after PreCharge', false) return end
Verdict('EV is ready to charge', Secc.Get_PowerDeliveryReq_ReadyToChargeState())
Secc.Send_PowerDeliveryRes_001()

while receive('CurrentDemandReq') do
  Secc.Set_CurrentDemandRes_EVSEPresentVoltage_Value(Secc.Get_CurrentDemandReq_EVTargetVoltage_Value())
  Secc.Set_CurrentDemandRes_EVSEPresentCurrent_Value(Secc.Get_CurrentDemandReq_EVTargetCurrent_Value())
  Secc.Send_CurrentDemandRes_001()
end
Verdict('EV stops with ReadyToChargeState false', Secc.Get_PowerDeliveryReq_ReadyToChargeState() == false)
Secc.Send_PowerDeliveryRes_001()

while receive('WeldingDetectionReq') do
  Secc.Set_WeldingDetectionRes_EVSEPresentVoltage_Value(0)
  Secc.Send_WeldingDetectionRes_001()
end
Verdict('SessionStopReq ends the session', Secc.Check_Received_SessionStopReq())
Secc.Send_SessionStopRes_001()
