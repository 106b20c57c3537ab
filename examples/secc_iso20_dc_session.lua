-- A complete ISO 15118-20 DC session played by a script as the charger:
--   v2glab run examples/secc_iso20_dc_session.lua --role secc --profile dc
--   v2glab evcc --protocol iso15118-20 --profile dc
-- The -20 pages write SECC. (Secc. is the same table). Header fields are reached through the message.
local function receive(name)
  SECC['Receive_' .. name .. '_001']()
  return SECC['Check_Received_' .. name]()
end

receive('SessionSetupReq')
Verdict('a new session: SessionID of 8 zero bytes', SECC.Get_SessionSetupReq_Header_SessionID() == '0000000000000000')
SECC.Send_SessionSetupRes_001()
receive('AuthorizationSetupReq');  SECC.Send_AuthorizationSetupRes_001()
receive('AuthorizationReq')
Verdict('EIM', SECC.Get_AuthorizationReq_SelectedAuthorizationService() == AuthorizationType.EIM)
SECC.Set_AuthorizationRes_EVSEProcessing(ProcessingType.Finished)
SECC.Send_AuthorizationRes_001()
receive('ServiceDiscoveryReq');    SECC.Send_ServiceDiscoveryRes_001()
receive('ServiceDetailReq')
Verdict('EV asks for the DC service', SECC.Get_ServiceDetailReq_ServiceID() == 2)
SECC.Send_ServiceDetailRes_001()
receive('ServiceSelectionReq')
Verdict('no value-added service', not SECC.Get_ServiceSelectionReq_SelectedVASListSpecified())
Verdict('DC, Scheduled', SECC.Get_ServiceSelectionReq_SelectedEnergyTransferService_ParameterSetID() == 1)
SECC.Send_ServiceSelectionRes_001()
receive('DC_ChargeParameterDiscoveryReq'); SECC.Send_DC_ChargeParameterDiscoveryRes_001()
receive('ScheduleExchangeReq');    SECC.Send_ScheduleExchangeRes_001()
receive('DC_CableCheckReq')
SECC.Set_DC_CableCheckRes_EVSEProcessing(ProcessingType.Finished)
SECC.Send_DC_CableCheckRes_001()

-- PreCharge: report the EV's target voltage at once; the EV ends it with EVProcessing = Finished
while receive('DC_PreChargeReq') do
  SECC.Set_DC_PreChargeRes_EVSEPresentVoltage_Exponent(SECC.Get_DC_PreChargeReq_EVTargetVoltage_Exponent())
  SECC.Set_DC_PreChargeRes_EVSEPresentVoltage_Value(SECC.Get_DC_PreChargeReq_EVTargetVoltage_Value())
  SECC.Send_DC_PreChargeRes_001()
end
if not SECC.Check_Received_PowerDeliveryReq() then Verdict('PowerDeliveryReq after PreCharge', false) return end
Verdict('PowerDelivery Start', SECC.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Start)
SECC.Send_PowerDeliveryRes_001()

while receive('DC_ChargeLoopReq') do
  SECC.Set_DC_ChargeLoopRes_EVSEPresentVoltage_Value(SECC.Get_DC_ChargeLoopReq_Scheduled_DC_CLReqControlMode_EVTargetVoltage_Value())
  SECC.Set_DC_ChargeLoopRes_EVSEPresentCurrent_Value(SECC.Get_DC_ChargeLoopReq_Scheduled_DC_CLReqControlMode_EVTargetCurrent_Value())
  SECC.Send_DC_ChargeLoopRes_001()
end
SECC.Send_PowerDeliveryRes_001()

while receive('DC_WeldingDetectionReq') do
  SECC.Set_DC_WeldingDetectionRes_EVSEPresentVoltage_Value(0)
  SECC.Send_DC_WeldingDetectionRes_001()
end
Verdict('SessionStopReq ends the session', SECC.Check_Received_SessionStopReq())
SECC.Send_SessionStopRes_001()
