-- The charger closes a connection on which the car sends nothing once V2G_SECC_CommunicationSetup_Performance_Time (18 s) is over, not before [V2G2-723].
-- The wait is the standard's, read from the protocol's timing table (a tester profile's timers.secc_timer_scale
-- shortens it, only for a charger configured alike). The charger may close up to 1 s late (timer granularity, load)
-- and 0.5 s early (the car's clock starts when its TCP connect returns, the charger's when it accepts).
local limit = Evcc.Get_Timer('V2G_SECC_CommunicationSetup_Performance_Time')
Evcc.Check_ConnectionClosed(limit + 1000, limit - 500)  -- connects, then stays silent: no handshake, no SessionSetupReq
