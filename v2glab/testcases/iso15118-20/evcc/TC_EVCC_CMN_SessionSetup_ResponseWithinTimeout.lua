-- The car waits for a SessionSetupRes sent 1400 ms late, inside its 2000 ms V2G_EVCC_Msg_Timeout (ISO 15118-20 timing table), and goes on with the session.
SECC.Receive_SessionSetupReq_001()
SECC.Set_SendDelay(1400)
SECC.Send_SessionSetupRes_001()
local next_request = 'AuthorizationSetupReq'
SECC['Receive_' .. next_request .. '_001']()
Verdict('the car went on with ' .. next_request, SECC['Check_Received_' .. next_request]())
