"""What the standard says, shared by both engines: events, timing, message helpers."""
