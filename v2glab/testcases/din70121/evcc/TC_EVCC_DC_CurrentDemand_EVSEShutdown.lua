-- The car ends the charge loop with PowerDeliveryReq(ReadyToChargeState=false) when CurrentDemandRes reports DC_EVSEStatusCodeType.EVSE_Shutdown.
Secc.Receive_CurrentDemandReq_001()
Secc.Set_CurrentDemandRes_DC_EVSEStatus_EVSEStatusCode(DC_EVSEStatusCodeType.EVSE_Shutdown)
Secc.Send_CurrentDemandRes_001()
Secc.Receive_PowerDeliveryReq_001()
Verdict('PowerDeliveryReq(ReadyToChargeState=false) follows', Secc.Check_Received_PowerDeliveryReq() and Secc.Get_PowerDeliveryReq_ReadyToChargeState() == false)
