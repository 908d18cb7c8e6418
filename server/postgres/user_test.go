package postgres_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
	"github.com/parleychat/parley/server/testenv"
)

func TestCreateUser(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		u, err := s.CreateUser(ctx, "Alice", "Alice A.", "h1")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Username != "alice" || u.DisplayName != "Alice A." {
			t.Fatalf("got %+v, want id>0 username alice display Alice A.", u)
		}
	})
	t.Run("OKEmptyDisplayNameIsUsername", func(t *testing.T) {
		u, err := s.CreateUser(ctx, "bob", "", "h")
		if err != nil {
			t.Fatal(err)
		}
		if u.DisplayName != "bob" {
			t.Fatalf("display name = %q, want bob", u.DisplayName)
		}
	})
	t.Run("ErrTakenAnyCase", func(t *testing.T) {
		_, err := s.CreateUser(ctx, "ALICE", "", "h2")
		wantCode(t, err, chat.ECONFLICT)
	})
}

func TestFindCredentials(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "carol", "Carol", "secret-hash")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		c, err := s.FindCredentials(ctx, "CaRoL")
		if err != nil {
			t.Fatal(err)
		}
		if c.User != *u || c.PasswordHash != "secret-hash" {
			t.Fatalf("got %+v, want user %+v with its hash", c, u)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindCredentials(ctx, "nobody")
		wantCode(t, err, chat.ENOTFOUND)
	})
}

func TestFindUser(t *testing.T) {
	_, s := testenv.Open(t)
	u := newUser(t, s)
	t.Run("OK", func(t *testing.T) {
		got, err := s.FindUser(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *u {
			t.Fatalf("got %+v, want %+v", got, u)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindUser(context.Background(), u.ID+1000)
		wantCode(t, err, chat.ENOTFOUND)
	})
}

func TestSearchUsers(t *testing.T) {
	_, s := testenv.Open(t)
	ctx := context.Background()
	for _, name := range []string{"dan", "dana", "danny", "d_x", "dax", "eve"} {
		if _, err := s.CreateUser(ctx, name, "", "h"); err != nil {
			t.Fatal(err)
		}
	}
	names := func(us []chat.User) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Username)
		}
		return out
	}
	t.Run("OK", func(t *testing.T) {
		got, err := s.SearchUsers(ctx, "DAN", 10)
		if err != nil {
			t.Fatal(err)
		}
		if g := names(got); len(g) != 3 || g[0] != "dan" || g[1] != "dana" || g[2] != "danny" {
			t.Fatalf("got %v, want [dan dana danny]", g)
		}
	})
	t.Run("OKLimit", func(t *testing.T) {
		got, err := s.SearchUsers(ctx, "d", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("got %d users, want 2", len(got))
		}
	})
	t.Run("OKUnderscoreIsLiteral", func(t *testing.T) {
		got, err := s.SearchUsers(ctx, "d_", 10)
		if err != nil {
			t.Fatal(err)
		}
		if g := names(got); len(g) != 1 || g[0] != "d_x" {
			t.Fatalf("got %v, want [d_x]", g)
		}
	})
	t.Run("OKNoMatchIsEmpty", func(t *testing.T) {
		got, err := s.SearchUsers(ctx, "zzz", 10)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || len(got) != 0 {
			t.Fatalf("got %#v, want an empty non-nil slice", got)
		}
	})
}
