package static

// The parsers below walk header bytes in place: they run on every static
// request, and allocating there would cost more than the rest of the answer.

// Variant indexes of a file's representations.
const (
	identity = iota
	brotliEnc
	gzipEnc
	numVariants
)

// chooseEncoding picks the representation to send for an Accept-Encoding
// value, among those available (indexed like the variants). The client's
// q-values rank the codings, q=0 refuses one, "*" stands for any coding not
// named, and on a tie brotli wins for being smaller. Identity is the
// fallback even when refused: RFC 9110 allows ignoring the header rather
// than answering 406, and a readable body beats an error.
func chooseEncoding(ae []byte, available *[numVariants]bool) int {
	if len(ae) == 0 {
		return identity
	}
	qBr, qGz, qAny := -1, -1, -1
	for len(ae) > 0 {
		var elem []byte
		elem, ae = cut(ae, ',')
		name, params := cut(elem, ';')
		name = trim(name)
		q := 1000
		for len(params) > 0 {
			var p []byte
			p, params = cut(params, ';')
			p = trim(p)
			if len(p) >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=' {
				q = parseQ(trim(p[2:]))
			}
		}
		if q < 0 {
			continue // a malformed weight: ignore the member
		}
		switch {
		case equalFold(name, "br"):
			qBr = q
		case equalFold(name, "gzip"), equalFold(name, "x-gzip"):
			qGz = q
		case len(name) == 1 && name[0] == '*':
			qAny = q
		}
	}
	if qBr < 0 {
		qBr = max(qAny, 0)
	}
	if qGz < 0 {
		qGz = max(qAny, 0)
	}
	if !available[brotliEnc] {
		qBr = 0
	}
	if !available[gzipEnc] {
		qGz = 0
	}
	switch {
	case qBr > 0 && qBr >= qGz:
		return brotliEnc
	case qGz > 0:
		return gzipEnc
	default:
		return identity
	}
}

// parseQ reads a weight ("0", "0.5", "1.000") as thousandths, or -1 when
// it is not one.
func parseQ(b []byte) int {
	if len(b) == 0 || len(b) > 5 || (b[0] != '0' && b[0] != '1') {
		return -1
	}
	q := int(b[0]-'0') * 1000
	if len(b) == 1 {
		return q
	}
	if b[1] != '.' {
		return -1
	}
	scale := 100
	for _, c := range b[2:] {
		if c < '0' || c > '9' {
			return -1
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return -1
	}
	return q
}

// etagMatch applies If-None-Match's weak comparison (RFC 9110 13.1.2):
// "W/" prefixes are ignored and "*" matches any current representation.
// etag is quoted and strong.
func etagMatch(inm []byte, etag []byte) bool {
	for len(inm) > 0 {
		var tag []byte
		tag, inm = cut(inm, ',')
		tag = trim(tag)
		if len(tag) == 1 && tag[0] == '*' {
			return true
		}
		if len(tag) > 2 && tag[0] == 'W' && tag[1] == '/' {
			tag = tag[2:]
		}
		if string(tag) == string(etag) { // compiled to a comparison, no copy
			return true
		}
	}
	return false
}

func cut(b []byte, sep byte) (before, after []byte) {
	for i, c := range b {
		if c == sep {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// equalFold compares ASCII case-insensitively; s is lower case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
