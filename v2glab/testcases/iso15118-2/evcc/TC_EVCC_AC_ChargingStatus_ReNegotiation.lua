-- The car answers EVSENotificationType.ReNegotiation with PowerDeliveryReq(Renegotiate), then a new ChargeParameterDiscoveryReq.
Secc.Receive_ChargingStatusReq_001()
Secc.Set_ChargingStatusRes_AC_EVSEStatus_EVSENotification(EVSENotificationType.ReNegotiation)
Secc.Send_ChargingStatusRes_001()
Secc.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(Renegotiate) follows', Secc.Check_Received_PowerDeliveryReq() and Secc.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Renegotiate)
Secc.Receive_ChargeParameterDiscoveryReq_001()  -- the engine answers the PowerDeliveryReq first
Verdict('ChargeParameterDiscoveryReq follows', Secc.Check_Received_ChargeParameterDiscoveryReq())
