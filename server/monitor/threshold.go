package monitor

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Threshold is the memory level above which the sampler warns: a fixed
// number of bytes, or a share of the process's memory limit. The zero
// value warns never.
type Threshold struct {
	Bytes uint64
	Share float64 // of GOMEMLIMIT, else of the cgroup limit; 0 < Share <= 1
}

// Off says the threshold warns never.
func (t Threshold) Off() bool { return t.Bytes == 0 && t.Share == 0 }

func (t Threshold) String() string {
	switch {
	case t.Share > 0:
		return strconv.FormatFloat(t.Share*100, 'f', -1, 64) + "%"
	case t.Bytes > 0:
		return strconv.FormatUint(t.Bytes, 10)
	}
	return "off"
}

var units = []struct {
	suffix string
	mult   uint64
}{
	// Longest first, so "MiB" is not read as "B" after "Mi".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"B", 1},
}

// ParseThreshold reads "512MiB", "2GB", "1048576" (bytes) or "80%" (of the
// memory limit); "" and "0" mean off.
func ParseThreshold(s string) (Threshold, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Threshold{}, nil
	}
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil || f <= 0 || f > 100 || math.IsNaN(f) {
			return Threshold{}, fmt.Errorf("%q: a share must be above 0%% and at most 100%%", s)
		}
		return Threshold{Share: f / 100}, nil
	}
	num, mult := s, uint64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			num, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || n == 0 || n > math.MaxUint64/mult {
		return Threshold{}, fmt.Errorf("%q is not a size like 512MiB, 2GB, a number of bytes or a share like 80%%", s)
	}
	return Threshold{Bytes: n * mult}, nil
}

// Limit is the threshold in bytes now, and what a share was taken of
// ("GOMEMLIMIT" or "cgroup"). A share is resolved on every call, since
// GOMEMLIMIT can change at run time.
func (t Threshold) Limit() (uint64, string, error) {
	if t.Share == 0 {
		return t.Bytes, "", nil
	}
	of, source, err := MemoryLimit()
	if err != nil {
		return 0, "", err
	}
	return uint64(float64(of) * t.Share), source, nil
}

// ErrNoLimit says a share was asked for but the process has no memory limit.
var ErrNoLimit = errors.New("neither GOMEMLIMIT nor a cgroup memory limit is set")

// cgroupMax is the cgroup v2 file holding the container's memory limit.
var cgroupMax = "/sys/fs/cgroup/memory.max"

// MemoryLimit is the runtime's soft limit (GOMEMLIMIT) when one is set,
// else the cgroup's hard limit.
func MemoryLimit() (uint64, string, error) {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return uint64(l), "GOMEMLIMIT", nil
	}
	b, err := os.ReadFile(cgroupMax)
	if err != nil {
		return 0, "", ErrNoLimit
	}
	v := strings.TrimSpace(string(b))
	if v == "max" {
		return 0, "", ErrNoLimit
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return 0, "", fmt.Errorf("%s: unreadable limit %q", cgroupMax, v)
	}
	return n, "cgroup", nil
}
