-- When the car goes silent after SessionSetupRes, the charger closes the connection once V2G_SECC_Sequence_Timeout (60 s, Table 77) is over, not before.
-- The wait is the standard's, read from the protocol's timing table (a tester profile's timers.secc_timer_scale
-- shortens it, only for a charger configured alike). The charger may close up to 1 s late (timer granularity, load)
-- and 0.5 s early (its timer starts when it sends SessionSetupRes, the car's when the response arrives).
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
local limit = Evcc.Get_Timer('V2G_SECC_Sequence_Timeout')
Evcc.Check_ConnectionClosed(limit + 1000, limit - 500)  -- no ServiceDiscoveryReq
