-- When the car sends nothing after SessionSetupRes, the charger waits V2G_SECC_Sequence_Timeout (60 s) and then closes the connection: not before 59 s, and within 66 s.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
local started = os.time()
Evcc.Check_ConnectionClosed(66000)  -- the charger may leave the car time to close first (Josev closes 5 s after its decision)
local waited = os.time() - started
Verdict('the charger waited about 60 s before closing (' .. waited .. ' s)', waited >= 59)
