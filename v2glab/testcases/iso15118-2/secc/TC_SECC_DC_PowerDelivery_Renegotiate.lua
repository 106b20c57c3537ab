-- In the charge loop the charger answers PowerDeliveryReq(Renegotiate) with OK and then takes a new ChargeParameterDiscoveryReq with OK [V2G2-538].
-- Hybrid play: the engine plays the car into the charge loop, up to its first CurrentDemandRes; the script renegotiates.
Evcc.Receive_CurrentDemandRes_001()
Evcc.Set_PowerDeliveryReq_ChargeProgress(ChargeProgressType.Renegotiate)
Evcc.Send_PowerDeliveryReq_001()
Evcc.Receive_PowerDeliveryRes_001()
Evcc.Check_PowerDeliveryRes_ResponseCode(ResponseCodeType.OK)
Evcc.Send_ChargeParameterDiscoveryReq_001()
Evcc.Receive_ChargeParameterDiscoveryRes_001()
Evcc.Check_ChargeParameterDiscoveryRes_ResponseCode(ResponseCodeType.OK)
