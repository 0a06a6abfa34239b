package cloudtrail

import (
	"path/filepath"
	"strings"
	"testing"
)

// Ensure Merge takes parts only when they are shards 1..N of one split,
// each once, and says which are missing, doubled or of another split.
func TestMergeShardsCover(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, s Shard) string {
		p := filepath.Join(dir, name)
		if err := WritePart(p, s, nil, nil); err != nil {
			t.Fatal(err)
		}
		return p
	}
	one, two, three := write("1.json", Shard{1, 3}), write("2.json", Shard{2, 3}), write("3.json", Shard{3, 3})
	other, again := write("o.json", Shard{2, 4}), write("again.json.gz", Shard{3, 3})
	if _, _, err := Merge([]string{one, two, three}, 1<<20); err != nil {
		t.Errorf("a whole split: %v", err)
	}
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{one, three}, "shards 2 of 3 are missing"},
		{[]string{one, two, three, again}, "are both shard 3/3"},
		{[]string{one, two, other}, "parts of different runs"},
	} {
		if _, _, err := Merge(tc.parts, 1<<20); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.parts, err, tc.want)
		}
	}
}
