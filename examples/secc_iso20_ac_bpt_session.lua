-- An ISO 15118-20 AC session with bidirectional power transfer (AC_BPT), played by a script as the charger:
--   v2glab run examples/secc_iso20_ac_bpt_session.lua --role secc --profile examples/profiles/secc_iso20_ac_bpt.toml
--   v2glab evcc --profile examples/profiles/evcc_iso20_ac_bpt.toml
local function receive(name)
  SECC['Receive_' .. name .. '_001']()
  return SECC['Check_Received_' .. name]()
end

receive('SessionSetupReq');        SECC.Send_SessionSetupRes_001()
receive('AuthorizationSetupReq');  SECC.Send_AuthorizationSetupRes_001()
receive('AuthorizationReq')
SECC.Set_AuthorizationRes_EVSEProcessing(ProcessingType.Finished)
SECC.Send_AuthorizationRes_001()
receive('ServiceDiscoveryReq')
SECC.Send_ServiceDiscoveryRes_001()                 -- AC (1) and AC_BPT (5), from the profile
receive('ServiceDetailReq')
Verdict('EV asks for AC_BPT', SECC.Get_ServiceDetailReq_ServiceID() == 5)
SECC.Send_ServiceDetailRes_001()
receive('ServiceSelectionReq')
Verdict('AC_BPT selected', SECC.Get_ServiceSelectionReq_SelectedEnergyTransferService_ServiceID() == 5)
SECC.Send_ServiceSelectionRes_001()
receive('AC_ChargeParameterDiscoveryReq')
Verdict('BPT charge parameters', SECC.Get_AC_ChargeParameterDiscoveryReq_BPT_AC_CPDReqEnergyTransferModeSpecified())
SECC.Set_AC_ChargeParameterDiscoveryRes_BPT_AC_CPDResEnergyTransferMode_EVSEMaximumDischargePower_Exponent(3)
SECC.Set_AC_ChargeParameterDiscoveryRes_BPT_AC_CPDResEnergyTransferMode_EVSEMaximumDischargePower_Value(10)  -- 10 kW
SECC.Send_AC_ChargeParameterDiscoveryRes_001()
receive('ScheduleExchangeReq')
Verdict('a discharging schedule', SECC.Get_ScheduleExchangeRes_Scheduled_SEResControlMode_ScheduleTuple_DischargingScheduleSpecified(0))
SECC.Send_ScheduleExchangeRes_001()
receive('PowerDeliveryReq')
Verdict('the EV discharges', SECC.Get_PowerDeliveryReq_BPT_ChannelSelection() == ChannelSelectionType.Discharge)
SECC.Send_PowerDeliveryRes_001()

local loops = 0
while receive('AC_ChargeLoopReq') do
  loops = loops + 1
  local power = SECC.Get_AC_ChargeLoopReq_BPT_Scheduled_AC_CLReqControlMode_EVPresentActivePower_Value()
  Verdict('discharging: negative active power', power < 0)
  SECC.Set_AC_ChargeLoopRes_BPT_Scheduled_AC_CLResControlMode_EVSETargetActivePower_Value(power)
  SECC.Send_AC_ChargeLoopRes_001()
end
Verdict('three charge loops', loops == 3)
SECC.Send_PowerDeliveryRes_001()
receive('SessionStopReq')
SECC.Send_SessionStopRes_001()
