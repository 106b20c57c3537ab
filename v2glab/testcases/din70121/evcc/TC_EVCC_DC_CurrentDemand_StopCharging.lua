-- The car ends the charge loop with PowerDeliveryReq(ReadyToChargeState=false) when CurrentDemandRes reports EVSENotificationType.StopCharging.
Secc.Receive_CurrentDemandReq_001()
Secc.Set_CurrentDemandRes_DC_EVSEStatus_EVSENotification(EVSENotificationType.StopCharging)
Secc.Send_CurrentDemandRes_001()
Secc.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(ReadyToChargeState=false) follows', Secc.Check_Received_PowerDeliveryReq() and Secc.Get_PowerDeliveryReq_ReadyToChargeState() == false)
