-- When the car sends nothing after SessionSetupRes, the charger waits V2G_SECC_Sequence_Timeout (60 s) and then closes the connection, neither sooner nor much later.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
local started = os.time()
Evcc.Check_ConnectionClosed(63000)
local waited = os.time() - started
Verdict('the charger waited about 60 s before closing (' .. waited .. ' s)', waited >= 59)
