package loadsim

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// SVG draws server RSS and goroutines over the steady phase, one panel
// each, with the warm-up shaded and the judged slope drawn as a line, so a
// leak reads at a glance.
func (s *SoakResult) SVG(name string) string {
	const w, panelH, gap = 720, 190, 40
	var b strings.Builder
	h := padT + 2*panelH + gap + padB
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="%d" y="22" font-size="15">%s</text>`+"\n", padL, escapeXML("Soak: "+name))
	rss := make([]float64, len(s.Samples))
	gor := make([]float64, len(s.Samples))
	for i, p := range s.Samples {
		rss[i], gor[i] = p.RSSMB, p.Goroutines
	}
	s.panel(&b, padT, panelH, "server RSS MB", fmt.Sprintf("%.2f MB/min (limit %g)", s.RSSSlopeMBPerMin, s.RSSLimit), "#1f77b4", rss, s.RSSSlopeMBPerMin)
	s.panel(&b, padT+panelH+gap, panelH, "goroutines", fmt.Sprintf("%.1f/min (limit %g)", s.GoroutineSlopePerM, s.GoroutineLimit), "#ff7f0e", gor, s.GoroutineSlopePerM)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">minutes since the ramp ended</text>`+"\n", padL+(w-padL-padR)/2, h-10)
	b.WriteString("</svg>\n")
	return b.String()
}

// panel draws one series in the band [top, top+h).
func (s *SoakResult) panel(b *strings.Builder, top, h int, label, slope, color string, ys []float64, perMin float64) {
	pw, ph := float64(chartW-padL-padR), float64(h-20)
	t0, t1 := 0.0, 1.0
	if n := len(s.Samples); n > 1 {
		t1 = math.Max(s.Samples[n-1].Seconds, 1)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, y := range ys {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	// Start the axis at zero so a small drift does not look like a cliff.
	lo, hi = 0, math.Max(hi*1.1, 1)
	xOf := func(t float64) float64 { return padL + (t-t0)/(t1-t0)*pw }
	yOf := func(v float64) float64 { return float64(top) + 20 + ph - (v-lo)/(hi-lo)*ph }
	fmt.Fprintf(b, `<text x="%d" y="%d">%s — slope %s</text>`+"\n", padL, top+12, escapeXML(label), escapeXML(slope))
	if wu := math.Min(s.WarmupSeconds, t1); wu > 0 {
		fmt.Fprintf(b, `<rect x="%d" y="%.1f" width="%.1f" height="%.1f" fill="#f2f2f2"/>`+"\n", padL, yOf(hi), xOf(wu)-padL, ph)
	}
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%.0f</text>`+"\n",
			padL, yOf(v), padL+pw, yOf(v), padL-6, yOf(v)+4, v)
	}
	for m := 0.0; m*60 <= t1; m++ {
		x := xOf(m * 60)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/><text x="%.1f" y="%.1f" text-anchor="middle">%.0f</text>`+"\n",
			x, yOf(hi), x, yOf(lo), x, yOf(lo)+14, m)
	}
	var pts strings.Builder
	var judged []float64
	var judgedT []float64
	for i, y := range ys {
		t := s.Samples[i].Seconds
		fmt.Fprintf(&pts, "%.1f,%.1f ", xOf(t), yOf(y))
		if t >= s.WarmupSeconds {
			judged, judgedT = append(judged, y), append(judgedT, t)
		}
	}
	fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", color, strings.TrimSpace(pts.String()))
	if len(judged) > 1 {
		// The slope line passes through the judged points' medians, as
		// Theil–Sen's intercept does.
		mt, my := median(judgedT), median(judged)
		a, z := judgedT[0], judgedT[len(judgedT)-1]
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="5,4"/>`+"\n",
			xOf(a), yOf(my+(a-mt)/60*perMin), xOf(z), yOf(my+(z-mt)/60*perMin))
	}
}

func median(v []float64) float64 {
	c := slices.Clone(v)
	slices.Sort(c)
	n := len(c)
	if n%2 == 1 {
		return c[n/2]
	}
	return (c[n/2-1] + c[n/2]) / 2
}
