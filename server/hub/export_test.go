package hub

// AppendFrame opens the writer's framing to the external tests.
var AppendFrame = appendFrame
