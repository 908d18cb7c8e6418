package loadsim

// Internals opened to the external tests of this package.
var (
	FastMessage  = fastMessage
	SentAt       = sentAt
	MessageBody  = messageBody
	ParseMetrics = parseMetrics
)

// SoakFailures judges a soak series as a run does.
func SoakFailures(cfg Soak, s []SoakSample) []string { return soakResult(cfg, s).failures() }
