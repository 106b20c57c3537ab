-- An ISO 15118-20 AC session with bidirectional power transfer (AC_BPT), played by a script as the car:
--   v2glab run examples/evcc_iso20_ac_bpt_session.lua --role evcc --profile examples/profiles/evcc_iso20_ac_bpt.toml
--   v2glab secc --profile examples/profiles/secc_iso20_ac_bpt.toml --once
local function exchange(name)
  EVCC['Send_' .. name .. 'Req_001']()
  EVCC['Receive_' .. name .. 'Res_001']()
end

exchange('SessionSetup')
exchange('AuthorizationSetup')
repeat exchange('Authorization') until EVCC.Get_AuthorizationRes_EVSEProcessing() == ProcessingType.Finished
exchange('ServiceDiscovery')
local offered = {}
for i = 0, EVCC.Get_ServiceDiscoveryRes_EnergyTransferServiceList_Service_Count() - 1 do
  offered[EVCC.Get_ServiceDiscoveryRes_EnergyTransferServiceList_Service_ServiceID(i)] = true
end
Verdict('the charger offers AC_BPT', offered[5] == true)
exchange('ServiceDetail')                               -- ServiceID 5, from the profile
EVCC.Check_ServiceDetailRes_ServiceID(5)
exchange('ServiceSelection')
exchange('AC_ChargeParameterDiscovery')
Verdict('the charger takes power back', EVCC.Get_AC_ChargeParameterDiscoveryRes_BPT_AC_CPDResEnergyTransferModeSpecified())
repeat exchange('ScheduleExchange') until EVCC.Get_ScheduleExchangeRes_EVSEProcessing() == ProcessingType.Finished
local discharge = EVCC.Get_ScheduleExchangeRes_Scheduled_SEResControlMode_ScheduleTuple_DischargingSchedule_PowerSchedule_PowerScheduleEntries_PowerScheduleEntry_Power_Value(0, 0)
Verdict('the discharging schedule has negative power', discharge ~= nil and discharge < 0)

EVCC.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Start)
EVCC.Set_PowerDeliveryReq_BPT_ChannelSelection(ChannelSelectionType.Discharge)
exchange('PowerDelivery')
for i = 1, 3 do
  EVCC.Set_AC_ChargeLoopReq_BPT_Scheduled_AC_CLReqControlMode_EVPresentActivePower_Exponent(3)
  EVCC.Set_AC_ChargeLoopReq_BPT_Scheduled_AC_CLReqControlMode_EVPresentActivePower_Value(-5)   -- -5 kW
  exchange('AC_ChargeLoop')
  EVCC.Check_AC_ChargeLoopRes_ResponseCode(ResponseCodeType.OK)
  Sleep(100)
end
EVCC.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Stop)
exchange('PowerDelivery')
exchange('SessionStop')
EVCC.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
