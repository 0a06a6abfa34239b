package tree

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Ensure trees parsed in an arena, one file after another with a Reset
// between, equal the trees parsed without one, for every JSON and YAML
// file of the examples and control tests; and that Reset zeroes the
// memory it hands back.
func TestArenaMatches(t *testing.T) {
	var a Arena
	n := 0
	for _, root := range []string{"../../controls/testdata", "../../examples"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			ext := strings.ToLower(filepath.Ext(path))
			if ext != ".json" && ext != ".yaml" && ext != ".yml" {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			var got, want any
			var gotErr, wantErr error
			if ext == ".json" {
				got, gotErr = a.ParseJSON(path, data)
				want, wantErr = ParseJSON(path, data)
			} else {
				got, gotErr = a.ParseYAML(path, data)
				want, wantErr = ParseYAML(path, data)
			}
			if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the arena's tree differs (errors %v, %v)", path, gotErr, wantErr)
			}
			a.Reset()
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("compared %d files only", n)
	}
	kept, err := a.ParseJSON("a.json", []byte(`{"Name": "first", "List": [1, 2]}`))
	if err != nil {
		t.Fatal(err)
	}
	a.Reset()
	if kept.Kind != Null || kept.Fields != nil {
		t.Errorf("a node after Reset still holds %+v", kept)
	}
}

// Ensure Reset keeps at most keepChunks chunks, so a huge file's trees do
// not stay in memory for the rest of a run.
func TestArenaBounded(t *testing.T) {
	var a Arena
	big := "[" + strings.Repeat(`{"k": 1},`, 100_000) + "{}]"
	if _, err := a.ParseJSON("big.json", []byte(big)); err != nil {
		t.Fatal(err)
	}
	if len(a.nodes.all) <= keepChunks {
		t.Fatalf("the big file used %d node chunks; the test needs more than %d", len(a.nodes.all), keepChunks)
	}
	a.Reset()
	if len(a.nodes.all) > keepChunks || len(a.members.all) > keepChunks || len(a.items.all) > keepChunks {
		t.Errorf("after Reset: %d, %d, %d chunks kept", len(a.nodes.all), len(a.members.all), len(a.items.all))
	}
}

// Ensure chunks sized for a small file, reused for a larger one, never
// come out too small: an object wider than the reused chunk still reads.
func TestArenaSmallChunksReused(t *testing.T) {
	var a Arena
	if _, err := a.ParseJSON("s.json", []byte(`{"a": [1]}`)); err != nil {
		t.Fatal(err)
	}
	a.Reset()
	wide := "{" + strings.Repeat(`"k": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], `, 40) + `"z": 0}`
	got, err := a.ParseJSON("w.json", []byte(wide))
	want, _ := ParseJSON("w.json", []byte(wide))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("wide object after a small one: %v", err)
	}
}

// Ensure an Alloc hands out copies (from the heap when nil), slices whose
// capacity is their length (an append cannot write into a neighbour), and
// that an arena's Alloc reuses the memory of the trees before its Reset.
func TestAlloc(t *testing.T) {
	var a Arena
	members := []Member{{Key: "a"}, {Key: "b"}}
	items := []*Node{{Kind: String, Text: "x"}}
	for name, al := range map[string]*Alloc{"nil": nil, "arena": a.Alloc()} {
		n := al.Node(Node{Kind: String, Text: "v"})
		n2 := al.Node(Node{Kind: Number, Text: "1"})
		if n == n2 || n.Text != "v" || n2.Text != "1" {
			t.Errorf("%s: Node gave %p %+v and %p %+v", name, n, n, n2, n2)
		}
		ms, is := al.Members(members), al.Items(items)
		if !reflect.DeepEqual(ms, members) || cap(ms) != len(members) || &ms[0] == &members[0] {
			t.Errorf("%s: Members = %v (cap %d), want a copy of %v of capacity 2", name, ms, cap(ms), members)
		}
		if !reflect.DeepEqual(is, items) || cap(is) != len(items) || &is[0] == &items[0] {
			t.Errorf("%s: Items = %v (cap %d), want a copy of %v of capacity 1", name, is, cap(is), items)
		}
	}
	var b Arena
	first := b.Alloc().Node(Node{Text: "old"})
	b.Reset()
	if first.Text != "" {
		t.Errorf("Reset left %q in an allocated node", first.Text)
	}
	if again := b.Alloc().Node(Node{Text: "new"}); again != first {
		t.Errorf("after Reset, Alloc made a new node instead of reusing the arena's")
	}
}
