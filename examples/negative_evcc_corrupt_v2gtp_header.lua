-- Negative test: the car sends SessionSetupReq behind a V2GTP header whose inverse version is wrong.
-- A conformant SECC closes the connection without an answer [V2G2-114]; the check passes if it does.
Evcc.Set_V2GTP_InverseProtocolVersion(0x00)
Evcc.Send_SessionSetupReq_001()
Evcc.Check_ConnectionClosed(2000)
