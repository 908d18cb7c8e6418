package searchbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Query is one search of a run, and the class it stands for.
type Query struct {
	Class string
	Q     string
}

// Classes of queries, as the summary lists them. One-word queries are
// matched as prefixes (the last word always is, from two characters).
var Classes = []string{
	"one word, common", "one word, medium", "one word, rare", "prefix (2-4 letters)",
	"two words, common", "two words, common + rare", "two words, medium", "phrase",
}

// Queries draws perClass distinct queries of each class from the
// vocabulary, in a shuffled order so that no class runs with a cache the
// one before it warmed. Common words are the 30 most frequent (each in
// 1–40% of messages), medium ranks 30–400 (0.05–1%), rare ranks 2,000 and
// beyond.
func Queries(v *Vocabulary, r *rand.Rand, perClass int) []Query {
	pick := func(lo, hi int) string { return v.Words[lo+r.IntN(min(hi, len(v.Words))-lo)] }
	gen := map[string]func() string{
		"one word, common": func() string { return pick(0, 30) },
		"one word, medium": func() string { return pick(30, 400) },
		"one word, rare":   func() string { return pick(2000, len(v.Words)) },
		"prefix (2-4 letters)": func() string {
			w := pick(0, 3000)
			for len(w) < 2 {
				w = pick(0, 3000)
			}
			return w[:min(len(w), 2+r.IntN(3))]
		},
		"two words, common":        func() string { return pick(0, 100) + " " + pick(0, 100) },
		"two words, common + rare": func() string { return pick(0, 100) + " " + pick(2000, len(v.Words)) },
		"two words, medium":        func() string { return pick(30, 400) + " " + pick(30, 400) },
		"phrase":                   func() string { return `"` + pick(0, 100) + " " + pick(0, 100) + `"` },
	}
	var qs []Query
	for _, c := range Classes {
		seen := map[string]bool{}
		// Few distinct common words exist: once a class has drawn most of
		// what it can, repeats fill it up.
		for n, tries := 0, 0; n < perClass; tries++ {
			q := gen[c]()
			if seen[q] && tries < perClass*10 {
				continue
			}
			seen[q] = true
			qs = append(qs, Query{Class: c, Q: q})
			n++
		}
	}
	r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}

// Result is one class's latencies.
type Result struct {
	Class         string
	N             int
	P50, P99, Max time.Duration
	MeanHits      float64
	FullPages     int // answers with a whole page of hits
}

// Client searches a running Parley as one signed-in user.
type Client struct {
	Base  string // http://host:port
	Token string
	HTTP  *http.Client
	Limit int // the page size asked for
}

// Search runs one query and returns how many hits it answered.
func (c *Client) Search(ctx context.Context, q string) (int, error) {
	u := c.Base + "/api/v1/search?q=" + url.QueryEscape(q)
	if c.Limit > 0 {
		u += fmt.Sprintf("&limit=%d", c.Limit)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("searchbench: %q answered %d: %s", q, res.StatusCode, body)
	}
	var out struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, fmt.Errorf("searchbench: %q: %w", q, err)
	}
	return len(out.Messages), nil
}

// Timed is one query's latency.
type Timed struct {
	Query
	Took time.Duration
	Hits int
}

// Run sends every query once, one at a time, and returns each class's
// latencies (the whole HTTP exchange, as the client sees it), then the
// totals of the one-word, the two-word and all classes, and the slowest
// queries.
func Run(ctx context.Context, c *Client, qs []Query) ([]Result, []Timed, error) {
	lat := map[string][]time.Duration{}
	hits := map[string][]int{}
	var timed []Timed
	for _, q := range qs {
		start := time.Now()
		n, err := c.Search(ctx, q.Q)
		if err != nil {
			return nil, nil, err
		}
		d := time.Since(start)
		timed = append(timed, Timed{Query: q, Took: d, Hits: n})
		lat[q.Class] = append(lat[q.Class], d)
		hits[q.Class] = append(hits[q.Class], n)
	}
	var out []Result
	limit := c.Limit
	if limit == 0 {
		limit = 20
	}
	summarize := func(name string, classes ...string) {
		var ds []time.Duration
		var hs []int
		for _, cl := range classes {
			ds = append(ds, lat[cl]...)
			hs = append(hs, hits[cl]...)
		}
		if len(ds) == 0 {
			return
		}
		slices.Sort(ds)
		r := Result{Class: name, N: len(ds), P50: ds[len(ds)/2], P99: ds[(len(ds)*99)/100], Max: ds[len(ds)-1]}
		total := 0
		for _, h := range hs {
			total += h
			if h >= limit {
				r.FullPages++
			}
		}
		r.MeanHits = float64(total) / float64(len(hs))
		out = append(out, r)
	}
	for _, cl := range Classes {
		summarize(cl, cl)
	}
	var one, two []string
	for _, cl := range Classes {
		if strings.HasPrefix(cl, "one") || strings.HasPrefix(cl, "prefix") {
			one = append(one, cl)
		} else {
			two = append(two, cl)
		}
	}
	summarize("all one-word", one...)
	summarize("all two-word", two...)
	summarize("all", Classes...)
	slices.SortFunc(timed, func(a, b Timed) int { return int(b.Took - a.Took) })
	return out, timed[:min(len(timed), 10)], nil
}

// Table renders results as a Markdown table.
func Table(rs []Result) string {
	var b strings.Builder
	b.WriteString("| queries | n | p50 ms | p99 ms | max ms | mean hits | full pages |\n|---|---|---|---|---|---|---|\n")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %.1f | %d |\n", r.Class, r.N, ms(r.P50), ms(r.P99), ms(r.Max), r.MeanHits, r.FullPages)
	}
	return b.String()
}
