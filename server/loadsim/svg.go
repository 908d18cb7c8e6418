package loadsim

import (
	"fmt"
	"math"
	"strings"
)

// SVG draws the latency distributions as a percentile plot: x is the
// percentile on a log scale of 1/(1-p), so the tail gets as much room as
// the median; y is milliseconds on a log scale.
func (r *Result) SVG() string {
	return percentileChart("Latency by percentile: "+r.Name, []series{
		{"delivery", "#1f77b4", r.deliveryCDF},
		{"ack", "#ff7f0e", r.ackCDF},
		{"http (without setup)", "#2ca02c", r.httpCDF},
	})
}

type series struct {
	name  string
	color string
	cdf   [][2]float64 // (ms, cumulative fraction)
}

const (
	chartW, chartH = 720, 420
	padL, padR     = 70, 20
	padT, padB     = 40, 50
	maxNines       = 5.0 // 99.999%
)

func percentileChart(title string, ss []series) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, p := range s.cdf {
			v := math.Max(p[0], 0.01)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0.1, 1000
	}
	yLo := math.Pow(10, math.Floor(math.Log10(lo)))
	yHi := math.Pow(10, math.Ceil(math.Log10(hi)))
	if yHi <= yLo {
		yHi = yLo * 10
	}
	pw, ph := float64(chartW-padL-padR), float64(chartH-padT-padB)
	xOf := func(f float64) float64 {
		n := -math.Log10(math.Max(1-f, math.Pow(10, -maxNines)))
		return padL + n/maxNines*pw
	}
	yOf := func(v float64) float64 {
		v = math.Max(v, yLo)
		return padT + ph - (math.Log10(v)-math.Log10(yLo))/(math.Log10(yHi)-math.Log10(yLo))*ph
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="%d" y="22" font-size="15">%s</text>`+"\n", padL, escapeXML(title))
	for i, label := range []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"} {
		x := padL + float64(i)/maxNines*pw
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n",
			x, padT, x, padT+ph, x, padT+ph+18, label)
	}
	for v := yLo; v <= yHi*1.0001; v *= 10 {
		y := yOf(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%s ms</text>`+"\n",
			padL, y, padL+pw, y, padL-6, y+4, trimFloat(v))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">percentile</text>`+"\n", padL+pw/2, chartH-10)
	for i, s := range ss {
		if len(s.cdf) == 0 {
			continue
		}
		var pts strings.Builder
		prev := 0.0
		lastX, lastY := -10.0, -10.0
		for i, p := range s.cdf {
			// A step: the latency holds from the previous fraction to this
			// one. Points closer than half a pixel to the last one drawn
			// are dropped, which keeps a chart of a million samples small.
			x0, x1, y := xOf(prev), xOf(p[1]), yOf(p[0])
			prev = p[1]
			if i < len(s.cdf)-1 && math.Abs(x1-lastX) < 0.5 && math.Abs(y-lastY) < 0.5 {
				continue
			}
			if math.Abs(x0-lastX) >= 0.5 || math.Abs(y-lastY) >= 0.5 {
				fmt.Fprintf(&pts, "%.1f,%.1f ", x0, y)
			}
			fmt.Fprintf(&pts, "%.1f,%.1f ", x1, y)
			lastX, lastY = x1, y
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.8" points="%s"/>`+"\n", s.color, strings.TrimSpace(pts.String()))
		ly := padT + 16 + 16*i
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d">%s</text>`+"\n",
			padL+10, ly-4, padL+30, ly-4, s.color, padL+36, ly, s.name)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
