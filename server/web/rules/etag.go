package rules

import "strings"

// ETagMatch reports whether an If-None-Match header names etag, with the
// weak comparison RFC 9110 (13.1.2) asks of If-None-Match.
func ETagMatch(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for tag := range strings.SplitSeq(ifNoneMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}
