-- The car repeats PreChargeReq while EVSEPresentVoltage is far below its EVTargetVoltage, and asks for PowerDelivery only once the charger reports the target.
Secc.Receive_PreChargeReq_001()
Secc.Set_PreChargeRes_EVSEPresentVoltage_Multiplier(0)
Secc.Set_PreChargeRes_EVSEPresentVoltage_Value(0)
Secc.Send_PreChargeRes_001()
Secc.Receive_PreChargeReq_001()
if not Secc.Check_Received_PreChargeReq() then
  Verdict('PreChargeReq repeated while the charger reports 0 V', false)
  return
end
Verdict('PreChargeReq repeated while the charger reports 0 V', true)
Secc.Set_PreChargeRes_EVSEPresentVoltage_Multiplier(Secc.Get_PreChargeReq_EVTargetVoltage_Multiplier())
Secc.Set_PreChargeRes_EVSEPresentVoltage_Value(Secc.Get_PreChargeReq_EVTargetVoltage_Value())
Secc.Send_PreChargeRes_001()
Secc.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(ReadyToChargeState=true) at the target voltage', Secc.Check_Received_PowerDeliveryReq() and Secc.Get_PowerDeliveryReq_ReadyToChargeState() == true)
