package loadsim

import (
	"fmt"
	"time"

	"github.com/prometheus/procfs"
)

// boxSample is the machine's CPU at one instant: the whole box, and the
// database and cache processes by name, so a report can tell whether the
// server, PostgreSQL, Valkey, the load generator or something else held
// the cores.
type boxSample struct {
	at       time.Time
	busy     float64 // CPU seconds not idle, all cores
	postgres float64 // CPU seconds of processes named postgres
	valkey   float64 // CPU seconds of redis-server / valkey-server
	nginx    float64
}

func sampleBox() boxSample {
	s := boxSample{at: time.Now()}
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return s
	}
	if st, err := fs.Stat(); err == nil {
		c := st.CPUTotal // idle and iowait are not busy; guest is counted in user
		s.busy = c.User + c.Nice + c.System + c.IRQ + c.SoftIRQ + c.Steal
	}
	procs, err := fs.AllProcs()
	if err != nil {
		return s
	}
	for _, p := range procs {
		comm, err := p.Comm()
		if err != nil {
			continue
		}
		var dst *float64
		switch comm {
		case "postgres":
			dst = &s.postgres
		case "redis-server", "valkey-server":
			dst = &s.valkey
		case "nginx":
			dst = &s.nginx
		default:
			continue
		}
		if st, err := p.Stat(); err == nil {
			*dst += st.CPUTime()
		}
	}
	return s
}

// procStat reads a process's CPU seconds (user + system) and RSS bytes.
func procStat(pid int) (cpu, rss float64, err error) {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0, 0, fmt.Errorf("proc: %w", err)
	}
	st, err := p.Stat()
	if err != nil {
		return 0, 0, fmt.Errorf("proc: stat of %d: %w", pid, err)
	}
	return st.CPUTime(), float64(st.ResidentMemory()), nil
}

// BoxResult is what the machine spent over the steady window, in cores.
type BoxResult struct {
	Cores    int     `json:"cores"`
	Busy     float64 `json:"busy_cores"`
	Postgres float64 `json:"postgres_cores"`
	Valkey   float64 `json:"valkey_cores"`
	Nginx    float64 `json:"nginx_cores"`
	// Other is what neither the server, its services nor the load
	// generator used: other work on a shared machine.
	Other float64 `json:"other_cores"`
}

func boxResult(a, b boxSample, server, loadgen float64, cores int) BoxResult {
	dt := b.at.Sub(a.at).Seconds()
	if dt <= 0 {
		return BoxResult{Cores: cores}
	}
	r := BoxResult{
		Cores: cores,
		Busy:  round3((b.busy - a.busy) / dt),
		// Processes that exit take their CPU time with them (a PostgreSQL
		// backend of a closed connection): per-name figures are a floor.
		Postgres: round3(max(0, b.postgres-a.postgres) / dt),
		Valkey:   round3(max(0, b.valkey-a.valkey) / dt),
		Nginx:    round3(max(0, b.nginx-a.nginx) / dt),
	}
	r.Other = round3(max(0, r.Busy-r.Postgres-r.Valkey-r.Nginx-server-loadgen))
	return r
}
