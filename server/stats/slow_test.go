package stats_test

import (
	"testing"
	"time"

	"github.com/parleychat/parley/server/stats"
)

func TestSlowLog(t *testing.T) {
	t.Run("KeepsSlowAndFailed", func(t *testing.T) {
		var l stats.SlowLog
		l.Observe("GET", "/a", 200, 501*time.Millisecond)
		l.Observe("GET", "/b", 200, 499*time.Millisecond)
		l.Observe("POST", "/c", 503, time.Millisecond)
		l.Observe("GET", "/d", 404, time.Millisecond)
		got := l.Recent(time.Now())
		if len(got) != 2 || got[0].Route != "/a" || got[1].Route != "/c" || got[1].Status != 503 {
			t.Fatalf("got %+v, want /a then /c", got)
		}
	})
	t.Run("LastMinuteOnly", func(t *testing.T) {
		var l stats.SlowLog
		l.Observe("GET", "/a", 500, time.Millisecond)
		if got := l.Recent(time.Now().Add(61 * time.Second)); len(got) != 0 {
			t.Fatalf("got %+v a minute later, want none", got)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		var l stats.SlowLog
		for i := 0; i < 1000; i++ {
			l.Observe("GET", "/a", 500, time.Duration(i)*time.Millisecond)
		}
		got := l.Recent(time.Now())
		if len(got) != 256 || got[len(got)-1].Ms != 999 || got[0].Ms != 744 {
			t.Fatalf("kept %d, last %v, first %v; want the newest 256", len(got), got[len(got)-1].Ms, got[0].Ms)
		}
	})
}
