package loadsim

// Internals opened to the external tests of this package.
var (
	FastMessage  = fastMessage
	SentAt       = sentAt
	MessageBody  = messageBody
	ParseMetrics = parseMetrics
)
