package config_test

import (
	"strings"
	"testing"

	"github.com/parleychat/parley/server/config"
	"github.com/parleychat/parley/server/monitor"
)

func TestAdminAddrAndMemoryWarn(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminAddr != "127.0.0.1:9090" || !c.MemoryWarn.Off() {
		t.Errorf("defaults: admin %q, warn %v", c.AdminAddr, c.MemoryWarn)
	}
	c, err = config.Load(env(map[string]string{"PARLEY_ADMIN_ADDR": "off", "PARLEY_MEMORY_WARN": "512MiB"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminAddr != "" || c.MemoryWarn != (monitor.Threshold{Bytes: 512 << 20}) {
		t.Errorf("admin %q, warn %+v", c.AdminAddr, c.MemoryWarn)
	}
	for name, bad := range map[string]string{"PARLEY_ADMIN_ADDR": "nine-oh-nine-oh", "PARLEY_MEMORY_WARN": "lots"} {
		_, err := config.Load(env(map[string]string{name: bad}))
		if err == nil || !strings.HasPrefix(err.Error(), name+":") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%s: %v", name, bad, err)
		}
	}
}

// Set but empty means off, which os.Getenv alone cannot tell from unset.
func TestGetenvEmptyAdminAddr(t *testing.T) {
	t.Setenv("PARLEY_ADMIN_ADDR", "")
	c, err := config.Load(config.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminAddr != "" {
		t.Fatalf("PARLEY_ADMIN_ADDR set empty gave %q", c.AdminAddr)
	}
}
