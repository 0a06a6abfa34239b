// Package release knows EMR release labels: how to read them, and, from a
// dated table, the newest release of each series and which releases still
// receive fixes. The table ships embedded (releases.json) and can be
// replaced with --releases FILE.
package release

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

//go:embed releases.json
var embedded []byte

// Label is a parsed release label such as emr-7.14.0, emr-spark-8.0.0 or
// the EMR on EKS forms emr-6.15.0-20231109 and emr-7.14.0-latest.
type Label struct {
	Raw    string
	Series string // "4" … "7", or "spark-8"
	Nums   []int  // major, minor[, patch]
	Suffix string // "latest", "20231109", "preview", … (not compared)
}

// Parse reads a release label. It accepts two or three version numbers and
// a suffix after '-', and fails on anything else (AMI versions, typos).
func Parse(s string) (Label, error) {
	l := Label{Raw: s}
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "emr-")
	if !ok {
		return l, fmt.Errorf("release label %q does not start with emr-", s)
	}
	kind := ""
	if r, ok := strings.CutPrefix(rest, "spark-"); ok {
		kind, rest = "spark-", r
	}
	ver, suffix, _ := strings.Cut(rest, "-")
	parts := strings.Split(ver, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return l, fmt.Errorf("release label %q: want emr-X.Y.Z", s)
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			// "emr-spark-8.0-preview" has two numbers and a word suffix.
			return l, fmt.Errorf("release label %q: %q is not a version number", s, p)
		}
		l.Nums = append(l.Nums, n)
	}
	l.Series = kind + strconv.Itoa(l.Nums[0])
	l.Suffix = suffix
	return l, nil
}

// Compare orders two labels of the same series by version: -1, 0 or +1.
// A missing patch number counts as 0.
func Compare(a, b Label) int {
	for i := 0; i < 3; i++ {
		x, y := at(a.Nums, i), at(b.Nums, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func at(n []int, i int) int {
	if i < len(n) {
		return n[i]
	}
	return 0
}

// Less reports whether l is an older version than s (same series assumed).
func (l Label) Less(s string) bool {
	o, err := Parse(s)
	return err == nil && Compare(l, o) < 0
}

// Version returns "X.Y.Z" without prefix or suffix.
func (l Label) Version() string {
	s := make([]string, len(l.Nums))
	for i, n := range l.Nums {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}

// Table is the dated release table.
type Table struct {
	AsOf     string    `json:"as_of"`
	About    string    `json:"about"`
	Series   []Series  `json:"series"`
	Releases []Release `json:"releases"`
}

// Series is what the table says of one series.
type Series struct {
	Series          string `json:"series"`
	LabelPrefix     string `json:"label_prefix"`
	Newest          string `json:"newest"`
	ReceivesFixes   bool   `json:"receives_fixes"`
	OldestSupported string `json:"oldest_supported"`
	Source          string `json:"source"`
	Unverified      bool   `json:"unverified"`
	Note            string `json:"note,omitempty"`
}

// Release is what the table says of one release.
type Release struct {
	Label                string `json:"label"`
	Released             string `json:"released"`
	StandardSupportUntil string `json:"standard_support_until"`
	Source               string `json:"source"`
	Unverified           bool   `json:"unverified"`
	Note                 string `json:"note,omitempty"`
}

// Default returns the embedded table.
func Default() *Table {
	t, err := decode(embedded)
	if err != nil {
		panic("release: embedded releases.json: " + err.Error())
	}
	return t
}

// Load reads a table from a file, for --releases.
func Load(path string) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("release table: %w", err)
	}
	t, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("release table %s: %w", path, err)
	}
	return t, nil
}

func decode(data []byte) (*Table, error) {
	var t Table
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	if t.AsOf == "" || len(t.Series) == 0 {
		return nil, fmt.Errorf("want as_of and at least one series")
	}
	for _, s := range t.Series {
		if _, err := Parse(s.Newest); err != nil {
			return nil, fmt.Errorf("series %s: newest: %w", s.Series, err)
		}
		if s.OldestSupported != "" {
			if _, err := Parse(s.OldestSupported); err != nil {
				return nil, fmt.Errorf("series %s: oldest_supported: %w", s.Series, err)
			}
		}
		if s.ReceivesFixes == (s.OldestSupported == "") {
			return nil, fmt.Errorf("series %s: oldest_supported must be set exactly when receives_fixes is true", s.Series)
		}
	}
	return &t, nil
}

// Lookup returns what the table says of l's series.
func (t *Table) Lookup(l Label) (Series, bool) {
	for _, s := range t.Series {
		if s.Series == l.Series {
			return s, true
		}
	}
	return Series{}, false
}
