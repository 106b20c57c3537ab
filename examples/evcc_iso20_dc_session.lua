-- A complete ISO 15118-20 DC session played by a script as the car:
--   v2glab run examples/evcc_iso20_dc_session.lua --role evcc --profile dc --protocol iso15118-20
--   v2glab secc --profile dc --once
local function exchange(name)
  EVCC['Send_' .. name .. 'Req_001']()
  EVCC['Receive_' .. name .. 'Res_001']()
end

exchange('SessionSetup')
EVCC.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)
exchange('AuthorizationSetup')
repeat exchange('Authorization') until EVCC.Get_AuthorizationRes_EVSEProcessing() == ProcessingType.Finished
exchange('ServiceDiscovery')
EVCC.Set_ServiceDetailReq_ServiceID(2)            -- DC
exchange('ServiceDetail')
EVCC.Set_ServiceSelectionReq_SelectedEnergyTransferService_ServiceID(2)
EVCC.Set_ServiceSelectionReq_SelectedEnergyTransferService_ParameterSetID(1)   -- Scheduled
exchange('ServiceSelection')
exchange('DC_ChargeParameterDiscovery')
EVCC.Check_DC_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.OK)
repeat exchange('ScheduleExchange') until EVCC.Get_ScheduleExchangeRes_EVSEProcessing() == ProcessingType.Finished
Verdict('a schedule', EVCC.Get_ScheduleExchangeRes_Scheduled_SEResControlMode_ScheduleTuple_Count() >= 1)
repeat exchange('DC_CableCheck') until EVCC.Get_DC_CableCheckRes_EVSEProcessing() == ProcessingType.Finished

-- PreCharge until the charger's output is within 20 V of the target (400 V), then once more with Finished
local tries = 0
repeat
  exchange('DC_PreCharge')
  tries = tries + 1
  local present = EVCC.Get_DC_PreChargeRes_EVSEPresentVoltage_Value() * 10 ^ EVCC.Get_DC_PreChargeRes_EVSEPresentVoltage_Exponent()
until math.abs(present - 400) <= 20 or tries > 20
Verdict('PreCharge reached the target voltage', tries <= 20)
EVCC.Set_DC_PreChargeReq_EVProcessing(ProcessingType.Finished)
exchange('DC_PreCharge')

EVCC.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Start)
exchange('PowerDelivery')
for i = 1, 3 do
  EVCC.Set_DC_ChargeLoopReq_Scheduled_DC_CLReqControlMode_EVTargetCurrent_Value(40 * i)   -- within 50 kW at 400 V
  exchange('DC_ChargeLoop')
  EVCC.Check_DC_ChargeLoopRes_ResponseCode(ResponseCodeType.OK)
  EVCC.Check_DC_ChargeLoopRes_EVSEPresentCurrent_Value(40 * i)
  Sleep(100)
end
EVCC.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Stop)
exchange('PowerDelivery')
repeat exchange('DC_WeldingDetection') until EVCC.Get_DC_WeldingDetectionRes_EVSEPresentVoltage_Value() < 60
exchange('SessionStop')
EVCC.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
