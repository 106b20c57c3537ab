-- The car waits for a ServiceDiscoveryRes sent 1400 ms late, inside its V2G_EVCC_Msg_Timeout, and goes on with the session.
Secc.Receive_ServiceDiscoveryReq_001()
Secc.Set_SendDelay(1400)
Secc.Send_ServiceDiscoveryRes_001()
local next_request = 'PaymentServiceSelectionReq'
Secc['Receive_' .. next_request .. '_001']()
Verdict('the car went on with ' .. next_request, Secc['Check_Received_' .. next_request]())
