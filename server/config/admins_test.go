package config_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parleychat/parley/server/config"
)

func TestAdmins(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c, err := config.Load(env(map[string]string{"PARLEY_ADMINS": " Alice, bob.ops ,"}))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"alice", "bob.ops"}; !slices.Equal(c.Admins, want) {
			t.Fatalf("admins %q, want %q", c.Admins, want)
		}
	})
	t.Run("Unset", func(t *testing.T) {
		c, err := config.Load(env(nil))
		if err != nil || len(c.Admins) != 0 {
			t.Fatalf("admins %q, err %v; want none", c.Admins, err)
		}
	})
	t.Run("ErrNotAUsername", func(t *testing.T) {
		_, err := config.Load(env(map[string]string{"PARLEY_ADMINS": "alice,no spaces allowed"}))
		if err == nil || !strings.Contains(err.Error(), "PARLEY_ADMINS") {
			t.Fatalf("err %v, want one naming PARLEY_ADMINS", err)
		}
	})
}
