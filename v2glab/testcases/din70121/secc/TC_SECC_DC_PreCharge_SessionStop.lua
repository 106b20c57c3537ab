-- A car may end the session with SessionStopReq straight after PreChargeRes [V2G-DC-458] (as Tesla Model Y and Polestar 2 do after a failed PreCharge): the charger answers OK.
Evcc.Send_PreChargeReq_001()
Evcc.Receive_PreChargeRes_001()
Set_Strict(true)  -- from here the script owns every message: no PowerDelivery, no WeldingDetection
Evcc.Send_SessionStopReq_001()
Evcc.Receive_SessionStopRes_001()
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
