package loadsim

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cpuMeter measures the server's CPU over intervals when its processes
// come and go: a replica killed and restarted has a new pid whose CPU
// counter starts again from zero, so a plain sum of counters would fall.
// Each pid contributes what it spent since it was last seen, or all it
// has spent when it is new.
type cpuMeter struct {
	last map[int]float64
	at   time.Time
	peak float64
}

// observe takes the CPU seconds of the live processes at now and returns
// the cores they used since the previous call (0 on the first).
func (m *cpuMeter) observe(now time.Time, cpu map[int]float64) float64 {
	var used float64
	for pid, c := range cpu {
		if prev, ok := m.last[pid]; ok {
			used += max(0, c-prev)
		} else if m.last != nil {
			used += c
		}
	}
	first := m.last == nil
	dt := now.Sub(m.at).Seconds()
	m.last, m.at = cpu, now
	if first || dt <= 0 {
		return 0
	}
	cores := used / dt
	m.peak = max(m.peak, cores)
	return cores
}

// pidsFromFiles reads the pids in the files matching glob (one pid a file,
// as scripts/cluster writes them); unreadable files are skipped, since a
// replica may be between two lives.
func pidsFromFiles(glob string) []int {
	paths, _ := filepath.Glob(glob)
	var out []int
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// procCPU reads the CPU seconds of the pids that are alive.
func procCPU(pids []int) map[int]float64 {
	out := make(map[int]float64, len(pids))
	for _, pid := range pids {
		if cpu, _, err := procStat(pid); err == nil {
			out[pid] = cpu
		}
	}
	return out
}
