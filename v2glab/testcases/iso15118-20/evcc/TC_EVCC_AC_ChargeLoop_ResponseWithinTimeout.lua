-- The car waits for an AC_ChargeLoopRes sent 300 ms late, inside its 500 ms V2G_EVCC_Msg_Timeout of the -20 charge loop (ISO 15118-20 timing table), and goes on with the session.
SECC.Receive_AC_ChargeLoopReq_001()
SECC.Set_SendDelay(300)
SECC.Send_AC_ChargeLoopRes_001()
SECC.Receive_AC_ChargeLoopReq_001()  -- returns as well when the car leaves the loop with PowerDeliveryReq
Verdict('the car went on with AC_ChargeLoopReq or PowerDeliveryReq',
        SECC.Check_Received_AC_ChargeLoopReq() or SECC.Check_Received_PowerDeliveryReq())
