-- A complete DIN SPEC 70121 DC session played by a script as the car
-- (v2glab run examples/evcc_din_session.lua --role evcc --profile dc --protocol din70121).
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end

exchange('SessionSetup')
Evcc.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)

exchange('ServiceDiscovery')
Verdict('SECC offers ExternalPayment', Evcc.Exist_ServiceDiscovery_PaymentOption(PaymentOptionType.ExternalPayment))

-- the charge service only, with the list helper: clear the pre-filled list, then add ServiceID 1
Evcc.Set_ServicePaymentSelectionReq_SelectedPaymentOption(PaymentOptionType.ExternalPayment)
Evcc.Set_ServicePaymentSelectionReq_SelectedServiceList_SelectedService_Count(0)
Evcc.Add_ServicePaymentSelectionReq_SelectedServiceList_ServiceID(1)
exchange('ServicePaymentSelection')
Evcc.Check_ServicePaymentSelectionRes_ResponseCode(ResponseCodeType.OK)

repeat exchange('ContractAuthentication') until Evcc.Get_ContractAuthenticationRes_EVSEProcessing() == EVSEProcessingType.Finished

Evcc.Set_ChargeParameterDiscoveryReq_EVRequestedEnergyTransferType(EVRequestedEnergyTransferType.DC_extended)
repeat exchange('ChargeParameterDiscovery') until Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished
Verdict('SECC offers a schedule', Evcc.Exist_ChargeParameterDiscovery_SAScheduleTuple(1))

-- CableCheck until Finished; EVSE_IsolationMonitoringActive means "wait"
repeat
  exchange('CableCheck')
  Sleep(50)
until Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished
Evcc.Check_CableCheckRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Ready)
Evcc.Check_CableCheckRes_DC_EVSEStatus_EVSEIsolationStatus(IsolationLevelType.Valid)

-- PreCharge until the charger's output is within 20 V of the target (400 V)
local tries = 0
repeat
  Evcc.Set_PreChargeReq_EVTargetVoltage_Value(400)
  exchange('PreCharge')
  tries = tries + 1
  local present = Evcc.Get_PreChargeRes_EVSEPresentVoltage_Value() * 10 ^ Evcc.Get_PreChargeRes_EVSEPresentVoltage_Multiplier()
until math.abs(present - 400) <= 20 or tries > 20
Verdict('PreCharge reached the target voltage', tries <= 20)

Evcc.Set_PowerDeliveryReq_ReadyToChargeState(true)
exchange('PowerDelivery')

for i = 1, 3 do
  Evcc.Set_CurrentDemandReq_EVTargetCurrent_Value(50 * i)
  Evcc.Set_CurrentDemandReq_ChargingComplete(i == 3)
  exchange('CurrentDemand')
  Evcc.Check_CurrentDemandRes_ResponseCode(ResponseCodeType.OK)
  Sleep(100)
end

Evcc.Set_PowerDeliveryReq_ReadyToChargeState(false)
Evcc.Set_PowerDeliveryReq_DC_EVPowerDeliveryParameter_ChargingComplete(true)
exchange('PowerDelivery')

repeat exchange('WeldingDetection') until Evcc.Get_WeldingDetectionRes_EVSEPresentVoltage_Value() < 60
exchange('SessionStop')
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
