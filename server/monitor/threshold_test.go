package monitor

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestParseThreshold(t *testing.T) {
	for in, want := range map[string]Threshold{
		"":        {},
		"0":       {},
		"1048576": {Bytes: 1 << 20},
		"512MiB":  {Bytes: 512 << 20},
		"2 GiB":   {Bytes: 2 << 30},
		"3GB":     {Bytes: 3e9},
		"10KB":    {Bytes: 10e3},
		"80%":     {Share: 0.8},
		"100%":    {Share: 1},
	} {
		got, err := ParseThreshold(in)
		if err != nil || got != want {
			t.Errorf("ParseThreshold(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"lots", "-5", "0%", "101%", "12XB", "MiB", "1.5GiB", "99999999999999GiB"} {
		if _, err := ParseThreshold(bad); err == nil {
			t.Errorf("ParseThreshold(%q) accepted", bad)
		}
	}
}

// A share is of GOMEMLIMIT when set, else of the cgroup limit, else an error.
func TestThresholdShareOfLimit(t *testing.T) {
	dir := t.TempDir()
	old := cgroupMax
	t.Cleanup(func() { cgroupMax = old })
	cgroupMax = filepath.Join(dir, "memory.max")
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	debug.SetMemoryLimit(math.MaxInt64) // no limit

	half := Threshold{Share: 0.5}
	if _, _, err := half.Limit(); err == nil {
		t.Fatal("a share without any limit was accepted")
	}
	if err := os.WriteFile(cgroupMax, []byte("max\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := half.Limit(); err == nil {
		t.Fatal(`a share of cgroup "max" was accepted`)
	}
	if err := os.WriteFile(cgroupMax, []byte("1000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, src, err := half.Limit(); err != nil || n != 500000 || src != "cgroup" {
		t.Fatalf("share of cgroup: %d %q %v", n, src, err)
	}
	debug.SetMemoryLimit(4 << 30)
	if n, src, err := half.Limit(); err != nil || n != 2<<30 || src != "GOMEMLIMIT" {
		t.Fatalf("share of GOMEMLIMIT: %d %q %v", n, src, err)
	}
}
