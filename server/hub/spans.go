package hub

import "slices"

// span is an inclusive run of seqs.
type span struct{ lo, hi int64 }

// spans is a sorted list of disjoint, non-adjacent runs.
type spans []span

// maxSpans bounds the list; past it the oldest runs are forgotten, at worst
// replaying a few messages twice. A connection whose room lost live events
// for a while (a broker outage) holds one run per message that still
// arrived, so the bound leaves room for hundreds; a healthy connection
// holds one run.
const maxSpans = 1024

// add merges lo..hi into the list. Extending the last run, the common case,
// allocates nothing.
func (s spans) add(lo, hi int64) spans {
	if n := len(s); n > 0 && lo >= s[n-1].lo && lo <= s[n-1].hi+1 {
		s[n-1].hi = max(s[n-1].hi, hi)
		return s
	}
	s = append(s, span{lo, hi})
	slices.SortFunc(s, func(a, b span) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	out := s[:1]
	for _, r := range s[1:] {
		last := &out[len(out)-1]
		if r.lo <= last.hi+1 {
			last.hi = max(last.hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	if len(out) > maxSpans {
		out = append(out[:0], out[len(out)-maxSpans:]...)
	}
	return out
}

// has reports whether seq is in one of the runs.
func (s spans) has(seq int64) bool {
	_, found := slices.BinarySearchFunc(s, seq, func(r span, seq int64) int {
		switch {
		case r.hi < seq:
			return -1
		case r.lo > seq:
			return 1
		}
		return 0
	})
	return found
}

func (s spans) clone() spans { return slices.Clone(s) }
