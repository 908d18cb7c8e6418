package app_test

import (
	"context"
	"testing"

	"github.com/parleychat/parley/server/chat"
)

// A display name must not read as another user's username in the room
// view, however it is styled.
func TestDisplayNamePassingForAnother(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, _, err := e.app.Register(ctx, "bob", "password123", "Robert"); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrLookAlike", func(t *testing.T) {
		for i, name := range []string{"bob", "BOB", "@bob", " Bob ", "ｂｏｂ", "𝐛𝐨𝐛", "bоb" /* Cyrillic о */, "@ＢＯＢ"} {
			_, _, err := e.app.Register(ctx, "mallory"+string(rune('a'+i)), "password123", name)
			if chat.ErrorField(err) != "display_name" || (chat.ErrorCode(err) != chat.ECONFLICT && chat.ErrorCode(err) != chat.EINVALID) {
				t.Fatalf("display name %q: err = %v; want it refused on display_name", name, err)
			}
		}
	})
	t.Run("ErrUsernameTakenByDisplayName", func(t *testing.T) {
		if _, _, err := e.app.Register(ctx, "carla", "password123", "Dave"); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.app.Register(ctx, "dave", "password123", "")
		if chat.ErrorCode(err) != chat.ECONFLICT || chat.ErrorField(err) != "username" {
			t.Fatalf("err = %v; want conflict on username", err)
		}
	})
	t.Run("OKOwnUsername", func(t *testing.T) {
		if _, _, err := e.app.Register(ctx, "erin", "password123", "@Erin"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKOtherName", func(t *testing.T) {
		if _, _, err := e.app.Register(ctx, "frank", "password123", "Bob the builder"); err != nil {
			t.Fatal(err)
		}
	})
}
