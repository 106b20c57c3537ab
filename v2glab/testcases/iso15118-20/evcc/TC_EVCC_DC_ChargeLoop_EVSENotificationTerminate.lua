-- The car ends the charge loop with PowerDeliveryReq(Stop) when DC_ChargeLoopRes carries EVSEStatus with EVSENotification Terminate (NotificationMaxDelay 0).
SECC.Receive_DC_ChargeLoopReq_001()
SECC.Set_DC_ChargeLoopRes_EVSEStatusSpecified(true)
SECC.Set_DC_ChargeLoopRes_EVSEStatus_NotificationMaxDelay(0)
SECC.Set_DC_ChargeLoopRes_EVSEStatus_EVSENotification(EvseNotificationType.Terminate)
SECC.Send_DC_ChargeLoopRes_001()
SECC.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(Stop) follows', SECC.Check_Received_PowerDeliveryReq() and SECC.Get_PowerDeliveryReq_ChargeProgress() == ChargeProgressType.Stop)
