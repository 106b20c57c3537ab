-- The car gives up at V2G_EVCC_Msg_Timeout for PowerDelivery (2000 ms in DIN SPEC 70121 Table 75, 5 s in ISO 15118-2) when PowerDeliveryRes would come 2500 ms late, and closes the connection.
Secc.Receive_PowerDeliveryReq_001()
Secc.Set_SendDelay(2500)
Secc.Send_PowerDeliveryRes_001()  -- after the car closed: not sent, noted in the trace
Secc.Check_ConnectionClosed(1000)
