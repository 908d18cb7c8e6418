package config

import (
	"fmt"

	"github.com/parleychat/parley/server/chat"
)

// usernames normalises a list of usernames the way accounts store them,
// so that "Alice" in PARLEY_ADMINS names the account alice.
func usernames(list []string) []string {
	out := make([]string, 0, len(list))
	for _, n := range list {
		out = append(out, chat.NormalizeUsername(n))
	}
	return out
}

// checkAdmins refuses a name no account can have: a typo would otherwise
// leave the dashboard silently closed to the operator who asked for it.
func checkAdmins(names []string) error {
	for _, n := range names {
		if err := chat.ValidateUsername(n); err != nil {
			return fmt.Errorf("PARLEY_ADMINS: %q is not a username: %v", n, chat.ErrorMessage(err))
		}
	}
	return nil
}
