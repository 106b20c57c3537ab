-- A complete AC session played by a script as the charger (v2glab run examples/secc_ac_session.lua --role secc).
-- Responses start pre-filled from the profile: the script sets only what it changes.
Secc.Receive_SessionSetupReq_001()
Log('EV', Secc.Get_SessionSetupReq_EVCCID(), 'connected')
Secc.Set_SessionSetupRes_EVSEID('KR*TC1*ISO1*001')
Secc.Send_SessionSetupRes_001()

Secc.Receive_ServiceDiscoveryReq_001()
Secc.Send_ServiceDiscoveryRes_001()

Secc.Receive_PaymentServiceSelectionReq_001()
Secc.Send_PaymentServiceSelectionRes_001()

-- Authorization: Ongoing once, then Finished
Secc.Receive_AuthorizationReq_001()
Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Ongoing)
Secc.Send_AuthorizationRes_001()
Secc.Receive_AuthorizationReq_001()
Secc.Set_AuthorizationRes_EVSEProcessing(EVSEProcessingType.Finished)
Secc.Send_AuthorizationRes_001()

Secc.Receive_ChargeParameterDiscoveryReq_001()
Secc.Set_ChargeParameterDiscoveryRes_AC_EVSEChargeParameter_EVSEMaxCurrent_Value(16)
Secc.Send_ChargeParameterDiscoveryRes_001()

Secc.Receive_PowerDeliveryReq_001()
Secc.Send_PowerDeliveryRes_001()

-- the ChargingStatus loop, until the EV sends PowerDeliveryReq (Stop)
while true do
  Secc.Receive_ChargingStatusReq_001()
  if Secc.Check_Received_ChargingStatusReq() then
    Secc.Set_ChargingStatusRes_ResponseCode(ResponseCodeType.OK)
    Secc.Set_ChargingStatusRes_EVSEMaxCurrent_Unit(UnitSymbolType.Unit_A)
    Secc.Set_ChargingStatusRes_EVSEMaxCurrent_Value(16)
    Secc.Set_ChargingStatusRes_AC_EVSEStatus_RCD(false)
    Secc.Send_ChargingStatusRes_001()
  elseif Secc.Check_Received_PowerDeliveryReq() then
    Verdict('EV stops with ChargeProgress Stop', Secc.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Stop)
    Secc.Send_PowerDeliveryRes_001()
    break
  else
    Verdict('expected ChargingStatusReq or PowerDeliveryReq', false)
    return
  end
end

Secc.Receive_SessionStopReq_001()
Secc.Send_SessionStopRes_001()
