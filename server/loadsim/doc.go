// Package loadsim simulates Parley users against a running server and
// measures what they experience: delivery latency from sender to every
// receiver, lost, duplicated and reordered messages, HTTP latencies per
// action, and the server's CPU and memory while it happens.
//
// A run registers users, makes them members of rooms of configured sizes,
// opens one WebSocket per user and drives them with either the
// Mattermost-like action model (one action every 1–39 s, weighted) or the
// chatty profile (every user posts at a fixed rate). Only loopback targets
// are accepted: the simulator is a measuring tool, not a way to flood a
// remote host.
package loadsim
