-- A fresh session's SessionSetupRes says OK_NewSessionEstablished [V2G-DC-393] and assigns a SessionID other than 0.
Evcc.Send_SessionSetupReq_001()
Evcc.Receive_SessionSetupRes_001()
Evcc.Check_SessionSetupRes_ResponseCode(ResponseCodeType.OK_NewSessionEstablished)
local id = Evcc.Get_SessionID()
Verdict('SessionID assigned (got ' .. tostring(id) .. ')', id ~= nil and id:match('^0*$') == nil)
