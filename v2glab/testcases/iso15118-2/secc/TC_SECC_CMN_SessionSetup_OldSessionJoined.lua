-- The charger resumes a paused session: after SessionStopReq(Pause), SessionSetupReq with the old SessionID on a new connection gets OK_OldSessionJoined and that SessionID [V2G2-463].
-- Hybrid play: the engine plays the car up to SessionStopReq (after the charge loop), the script pauses; on the new
-- connection the engine does the handshake, the script the SessionSetup, and the engine then plays the resumed session.
Evcc.Set_SessionStopReq_ChargingSession(ChargingSessionType.Pause)
Evcc.Send_SessionStopReq_001()
Evcc.Receive_SessionStopRes_001()
Evcc.Check_SessionStopRes_ResponseCode(ResponseCodeType.OK)
local paused = Evcc.Get_SessionID()
Evcc.Reconnect()
Evcc.Set_SessionID(paused)
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_OldSessionJoined)
Verdict('SessionSetupRes carries the paused SessionID ' .. tostring(paused) .. ' (got ' .. tostring(Evcc.Get_SessionID()) .. ')',
        Evcc.Get_SessionID() == paused)
