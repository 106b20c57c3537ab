-- A complete DC session played by a script as the car (v2glab run examples/evcc_dc_session.lua --role evcc --profile dc).
local function exchange(name)
  Evcc['Send_' .. name .. 'Req_001']()
  Evcc['Receive_' .. name .. 'Res_001']()
end

exchange('SessionSetup')
exchange('ServiceDiscovery')
exchange('PaymentServiceSelection')
repeat exchange('Authorization') until Evcc.Get_AuthorizationRes_EVSEProcessing() == EVSEProcessingType.Finished
repeat exchange('ChargeParameterDiscovery') until Evcc.Get_ChargeParameterDiscoveryRes_EVSEProcessing() == EVSEProcessingType.Finished
Evcc.Check_ChargeParameterDiscoveryRes_DC_EVSEChargeParameter_EVSEMaximumVoltageLimit_Unit(UnitSymbolType.Unit_V)

repeat exchange('CableCheck') until Evcc.Get_CableCheckRes_EVSEProcessing() == EVSEProcessingType.Finished
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

Evcc.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Start)
exchange('PowerDelivery')

for i = 1, 3 do
  Evcc.Set_CurrentDemandReq_EVTargetCurrent_Value(50 * i)
  Evcc.Set_CurrentDemandReq_ChargingComplete(i == 3)
  exchange('CurrentDemand')
  Evcc.Check_CurrentDemandRes_ResponseCode(ResponseCodeType.OK)
  Sleep(100)
end

Evcc.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Stop)
Evcc.Set_PowerDeliveryReq_DC_EVPowerDeliveryParameter_ChargingComplete(true)
exchange('PowerDelivery')

repeat exchange('WeldingDetection') until Evcc.Get_WeldingDetectionRes_EVSEPresentVoltage_Value() < 60
exchange('SessionStop')
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
