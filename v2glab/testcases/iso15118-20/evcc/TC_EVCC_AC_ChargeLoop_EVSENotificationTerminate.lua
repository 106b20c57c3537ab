-- The car ends the charge loop with PowerDeliveryReq(Stop) when AC_ChargeLoopRes carries EVSEStatus with EVSENotification Terminate (NotificationMaxDelay 0).
SECC.Receive_AC_ChargeLoopReq_001()
SECC.Set_AC_ChargeLoopRes_EVSEStatusSpecified(true)
SECC.Set_AC_ChargeLoopRes_EVSEStatus_NotificationMaxDelay(0)
SECC.Set_AC_ChargeLoopRes_EVSEStatus_EVSENotification(EvseNotificationType.Terminate)
SECC.Send_AC_ChargeLoopRes_001()
SECC.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(Stop) follows', SECC.Check_Received_PowerDeliveryReq() and SECC.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Stop)
