package config

import (
	"os"
	"strings"

	"github.com/parleychat/parley/server/monitor"
)

// Getenv is os.Getenv for Load, except that PARLEY_ADMIN_ADDR set to the
// empty string reads as "off": os.Getenv cannot tell it from unset, which
// means the default.
func Getenv(key string) string {
	v, ok := os.LookupEnv(key)
	if ok && key == "PARLEY_ADMIN_ADDR" && strings.TrimSpace(v) == "" {
		return "off"
	}
	return v
}

// adminAddr is def when unset, "" for "off" (the listener is off).
func (r *reader) adminAddr(name, def string) string {
	v := r.str(name, def)
	if strings.EqualFold(v, "off") {
		return ""
	}
	return v
}

func (r *reader) threshold(name string) monitor.Threshold {
	t, err := monitor.ParseThreshold(r.getenv(name))
	if err != nil {
		r.fail(name, "%v", err)
	}
	return t
}
