package control

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCut ensures a quoted name is never longer than MaxQuoted bytes and
// "…", is a prefix of the name cut on a character boundary (valid UTF-8
// stays valid), and a short name is kept whole.
func FuzzCut(f *testing.F) {
	f.Add("short")
	f.Add(strings.Repeat("é", 300))
	f.Add(strings.Repeat("a", 255) + "€")
	f.Add(string([]byte{0xff, 0xfe}) + strings.Repeat("x", 400))
	f.Fuzz(func(t *testing.T, s string) {
		got := Cut(s)
		if len(s) <= MaxQuoted {
			if got != s {
				t.Fatalf("short %q cut to %q", s, got)
			}
			return
		}
		head, ok := strings.CutSuffix(got, "…")
		if !ok || len(head) > MaxQuoted || !strings.HasPrefix(s, head) {
			t.Fatalf("cut %d bytes to %d: %q", len(s), len(got), got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("valid text cut mid-character: %q", got)
		}
	})
}
