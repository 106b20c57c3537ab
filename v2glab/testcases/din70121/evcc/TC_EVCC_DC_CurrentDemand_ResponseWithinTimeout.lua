-- The car waits for a CurrentDemandRes sent 150 ms late, inside its V2G_EVCC_Msg_Timeout for CurrentDemand (250 ms, Table 75), and goes on with the charge loop [V2G-DC-465].
Secc.Receive_CurrentDemandReq_001()
Secc.Set_SendDelay(150)
Secc.Send_CurrentDemandRes_001()
Secc.Receive_CurrentDemandReq_001()  -- returns at once on PowerDeliveryReq too: the other request allowed here
Verdict('the car went on with CurrentDemandReq or PowerDeliveryReq', Secc.Check_Received_CurrentDemandReq() or Secc.Check_Received_PowerDeliveryReq())
