-- The car ends the charge loop with PowerDeliveryReq(Stop) when the charger reports EVSENotificationType.StopCharging.
Secc.Receive_ChargingStatusReq_001()
Secc.Set_ChargingStatusRes_AC_EVSEStatus_EVSENotification(EVSENotificationType.StopCharging)
Secc.Send_ChargingStatusRes_001()
Secc.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(Stop) follows', Secc.Check_Received_PowerDeliveryReq() and Secc.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Stop)
