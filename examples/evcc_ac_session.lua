-- A complete AC session played by a script as the car (v2glab run examples/evcc_ac_session.lua --role evcc).
-- Requests start pre-filled from the EVCC profile; Check_ records a pass/fail verdict.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)

Evcc.Send_ServiceDiscoveryReq_001()
Evcc.Receive_ServiceDiscoveryRes_001()
Evcc.Check_ServiceDiscoveryRes_PaymentOptionList_PaymentOption(0, PaymentOptionType.ExternalPayment)

Evcc.Set_PaymentServiceSelectionReq_SelectedPaymentOption(PaymentOptionType.ExternalPayment)
Evcc.Set_PaymentServiceSelectionReq_SelectedServiceList_Count(1)
Evcc.Set_PaymentServiceSelectionReq_SelectedServiceList_ServiceID(0, 1)
Evcc.Send_PaymentServiceSelectionReq_001()
Evcc.Receive_PaymentServiceSelectionRes_001()

repeat
  Evcc.Send_AuthorizationReq_001()
  Evcc.Receive_AuthorizationRes_001()
until Evcc.Get_AuthorizationRes_EVSEProcessing() == EVSEProcessingType.Finished

repeat
  Evcc.Set_ChargeParameterDiscoveryReq_RequestedEnergyTransferMode(EnergyTransferModeType.AC_three_phase_core)
  Evcc.Send_ChargeParameterDiscoveryReq_001()
  Evcc.Receive_ChargeParameterDiscoveryRes_001()
until Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished
local tuple = Evcc.Get_ChargeParameterDiscoveryRes_SAScheduleList_SAScheduleTuple_SAScheduleTupleID(0)

Evcc.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Start)
Evcc.Set_PowerDeliveryReq_SAScheduleTupleID(tuple)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.OK)

for i = 1, 3 do
  Evcc.Send_ChargingStatusReq_001()
  Evcc.Receive_ChargingStatusRes_001()
  Evcc.Check_ChargingStatusRes_ResponseCode(ResponseCodeType.OK)
  Evcc.Check_ChargingStatusRes_AC_EVSEStatus_EVSENotification(EVSENotificationType.None)
  Log('ChargingStatusRes', i, 'answered in', Evcc.Get_LastResponseTime(), 'ms')
  Sleep(100)
end

Evcc.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Stop)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()

Evcc.Set_SessionStopReq_ChargingSession(ChargingSessionType.Terminate)
Evcc.Send_SessionStopReq_001()
Evcc.Receive_SessionStopRes_001()
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
