-- The car waits for a ServiceDetailRes sent 3500 ms late, inside its 5000 ms V2G_EVCC_Msg_Timeout (ISO 15118-20 timing table), and goes on with the session.
SECC.Receive_ServiceDetailReq_001()
SECC.Set_SendDelay(3500)
SECC.Send_ServiceDetailRes_001()
local next_request = 'ServiceSelectionReq'
SECC['Receive_' .. next_request .. '_001']()
Verdict('the car went on with ' .. next_request, SECC['Check_Received_' .. next_request]())
