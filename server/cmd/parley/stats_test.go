package main_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/parleychat/parley/server/testenv"
)

// TestClusterDashboard runs two replicas over one database and one Valkey
// prefix: either answers the admin view with both, and nobody else sees it.
func TestClusterDashboard(t *testing.T) {
	bin := testenv.Parley(t)
	db := testenv.NewDatabase(t)
	prefix := testenv.Prefix(t, testenv.RedisAddr)
	start := func(instance string) *testenv.Server {
		return testenv.RunServer(t, testenv.ServerOptions{Binary: bin, DatabaseURL: db, Env: []string{
			"PARLEY_ARGON2_MEMORY_KIB=1024", "PARLEY_DB_MAX_OPEN=4", "PARLEY_DB_MAX_IDLE=4",
			"VALKEY_URL=redis://" + testenv.RedisAddr, "PARLEY_KEY_PREFIX=" + prefix,
			"PARLEY_INSTANCE=" + instance, "PARLEY_ADMINS=Boss"}})
	}
	a, b := start("replica-a"), start("replica-b")
	boss := register(t, a.URL, "boss")
	member := register(t, a.URL, "member")

	t.Run("OK", func(t *testing.T) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			status, view := clusterView(t, b.URL, boss)
			if status != 200 {
				t.Fatalf("admin: status %d", status)
			}
			var names []string
			for _, r := range view.Replicas {
				names = append(names, r.Instance)
			}
			if slices.Equal(names, []string{"replica-a", "replica-b"}) && view.Total.Goroutines > 0 {
				var sum float64
				for _, r := range view.Replicas {
					sum += r.Goroutines
				}
				if view.Total.Goroutines != sum {
					t.Fatalf("total goroutines %v, want the sum %v", view.Total.Goroutines, sum)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replicas %v, want both", names)
			}
			time.Sleep(100 * time.Millisecond) // polling until both have published
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		for _, token := range []string{member, ""} {
			if status, _ := clusterView(t, a.URL, token); status != 404 {
				t.Errorf("token %q: status %d, want 404", token, status)
			}
			req, _ := http.NewRequest(http.MethodGet, a.URL+"/admin", nil)
			if token != "" {
				req.AddCookie(&http.Cookie{Name: "parley_session", Value: token})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 404 {
				t.Errorf("/admin with token %q: status %d, want 404", token, res.StatusCode)
			}
		}
	})
}

type snapshotView struct {
	Instance   string  `json:"instance"`
	Goroutines float64 `json:"goroutines"`
}

type clusterAnswer struct {
	Replicas []snapshotView `json:"replicas"`
	Total    snapshotView   `json:"total"`
}

func clusterView(t *testing.T, base, token string) (int, clusterAnswer) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/admin/cluster", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out clusterAnswer
	if res.StatusCode == 200 {
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatalf("decode: %v", err)
		}
	}
	return res.StatusCode, out
}

func register(t *testing.T, base, username string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": "correct horse"})
	res, err := http.Post(base+"/api/v1/auth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 201 {
		t.Fatalf("register %s: %d %v", username, res.StatusCode, err)
	}
	return out.Token
}
