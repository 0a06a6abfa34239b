package tfeval

import "testing"

// TestGroupFiles checks which files are read together.
func TestGroupFiles(t *testing.T) {
	cases := []struct {
		src  string
		want bool // scanned
	}{
		{"local.a + var.b", true},
		{"x = -local.a", true},
		{"local .\n a", true},
		{"local.caf\u00e9", false},
		{"# caf\u00e9\nlocal.a", true},
	}
	for _, c := range cases {
		var got []string
		ok := refScan([]byte(c.src), func(a, b, _ []byte) { got = append(got, string(a)+"."+string(b)) })
		if ok != c.want {
			t.Errorf("%q: scanned %v, want %v", c.src, ok, c.want)
		}
		if ok && len(got) == 0 {
			t.Errorf("%q: no reference found", c.src)
		}
	}
}
