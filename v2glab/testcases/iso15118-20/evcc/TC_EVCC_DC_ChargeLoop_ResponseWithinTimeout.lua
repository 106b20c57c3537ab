-- The car waits for a DC_ChargeLoopRes sent 300 ms late, inside its 500 ms V2G_EVCC_Msg_Timeout of the -20 charge loop (ISO 15118-20 timing table), and goes on with the session.
SECC.Receive_DC_ChargeLoopReq_001()
SECC.Set_SendDelay(300)
SECC.Send_DC_ChargeLoopRes_001()
SECC.Receive_DC_ChargeLoopReq_001()  -- returns as well when the car leaves the loop with PowerDeliveryReq
Verdict('the car went on with DC_ChargeLoopReq or PowerDeliveryReq',
        SECC.Check_Received_DC_ChargeLoopReq() or SECC.Check_Received_PowerDeliveryReq())
