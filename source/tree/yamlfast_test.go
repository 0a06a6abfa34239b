package tree

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// dumpYAML renders trees with everything a Node holds, for messages.
func dumpYAML(docs []*Node) string {
	var b strings.Builder
	var walk func(n *Node, ind string)
	walk = func(n *Node, ind string) {
		fmt.Fprintf(&b, "%s%v %q tag=%q @%d:%d\n", ind, n.Kind, n.Text, n.Tag, n.At.Line, n.At.Col)
		for _, f := range n.Fields {
			fmt.Fprintf(&b, "%s  key %q @%d:%d\n", ind, f.Key, f.KeyAt.Line, f.KeyAt.Col)
			walk(f.Val, ind+"    ")
		}
		for _, it := range n.Items {
			walk(it, ind+"  ")
		}
	}
	for i, d := range docs {
		fmt.Fprintf(&b, "--- %d\n", i)
		walk(d, "")
	}
	return b.String()
}

// sameAsYAMLv3 checks that the fast reader either gives up or returns
// exactly the tree of the yaml.v3 path; it reports whether it read src.
func sameAsYAMLv3(t *testing.T, src []byte) bool {
	t.Helper()
	fast, ok := readYAMLFast("f.yaml", src, true, nil)
	if !ok {
		return false
	}
	slow, err := parseYAMLv3("f.yaml", src)
	if err != nil {
		t.Fatalf("fast reader took input yaml.v3 refuses (%v):\n%q\nfast:\n%s", err, src, dumpYAML(fast))
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("trees differ for\n%q\nfast:\n%s\nyaml.v3:\n%s", src, dumpYAML(fast), dumpYAML(slow))
	}
	return true
}

// fastCases are inputs the fast reader must take, one construct or
// position rule each.
var fastCases = []string{
	"",
	"# only a comment\n",
	"a: b\n",
	"\xef\xbb\xbfa: b\n",
	"a:\nb: 1\n",
	"a:   # comment\nb:  \nc: x",
	"a: b #c\n# d\n",
	"a: 1\na: 2\n", // yaml.v3 keeps both; so does the tree
	"top:\n  nested:\n    deep: v\n  back: w\nroot: z\n",
	"- a\n- b\n-\n- \n- c\n",
	"k:\n- a\n- b\nj: c\n",
	"k:\n  - a\n  - b\n",
	"- a: 1\n  b:\n- c\n-   x: 1\n    y: 2\n",
	"- name: n\n  items:\n  - 1\n  - 2\n  more:\n    - q\n",
	"x: !Ref y\nz: !GetAtt A.B\n",
	"z: !Foo\n  a: b\nw: !If\n  - c\n  - d\n",
	"a: !Foo\nb: 2\n",
	"a: !Sub |\n  x ${y}\n",
	"a: !!str 1\nb: !!str true\n",
	"q: \"s\"\nr: 's'\n\"qk\": 1\n'sk' : 2\n",
	`e: "a\tb\n\\ \" \x41 \u00e9 \U0001F600 \0 \N \_ \L \P \e"`,
	`e: 'it''s'`,
	"r: |\n  t\n  u\n",
	"a: |-\n  x\n\n  y\n\n\nb: >\n  f\n  g\n\n   h\n  i\n",
	"a: >+\n  x\n\n\nb: |2\n    x\n   y\nc: |\n\n  x\n",
	"- |\n  in seq\n- >-\n  folded\n  more\n",
	"a: |\n  no end newline",
	"a: |\n    deep\n  # not a comment\n",
	"k: [a, {b: c}]\n",
	"k: [a:b, 'q', \"d\", !Ref x, [n, [m]], {}, []]\n",
	"IsProd: !Equals [!Ref Environment, prod]\n",
	"a: [\n  x,\n  y ]\n",
	"a: {x: 1,\n  y: [2, 3], # c\n  z: !Ref q}\n",
	"{a: b}\n",
	"[1, 2]\n",
	"plain\n",
	"---\na: 1\n---\nb: 2\n...\n",
	"--- # c\na: 1\n...\n---\nb\n",
	"n: [true, True, TRUE, false, null, Null, NULL, ~, yes, no, on, off, y, n]\n",
	"n: [1, -1, +1, 0x1F, 0o17, 0b101, 0777, 08, 1_000, 1e3, 1.5, -.5, .inf, -.Inf, +.INF, .nan, .NaN]\n",
	"n: [2001-12-14, 2001-12-14t21:59:43.10-05:00, 10.0.0.0/16, 1.2.3, 123456789012345678901234567890, -0b11, 0x_1]\n",
	"n: [-, --, -a, a-b, a#b, 'a #b', 1:2, a:b:c]\n",
	"é: ü\nk: [é, ü]\n\"ß\": {ö: ä}\n",
	"Description: EMR cluster # trailing comment\n",
	"a: b:c\nurl: http://x/y\n",
	"key with spaces: value with spaces\n",
	"a:\n  b\n",
	"a:\n  [x]\n",
	"-\n  a: b\n- c\n",
	"a:\n\n\n  b: 1\n\n",
	"a: !Sub\n  - 'x${y}'\n  - {y: !Ref z}\n",
	"a: !Join ['', [\n    'arn:aws:s3:::', !Ref B,\n    /*]]\n",
	"a: !If # why\n  - c\n  - d\n",
	"a: |+\n  x\n\n",
	"a: >\n  one\n    more indented\n  back\n\n  para\n",
	"a: >-\n\n  lead\n",
	"s: |\n  line: with colon\n  - dash\n  # hash\n",
	"\"a\\tb\": 1\n'c''d': 2\n",
	"- !Ref a\n- !GetAtt [x, y]\n- !Sub 'p'\n",
	"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: b\n    ports:\n    - containerPort: 80\n---\napiVersion: v1\nkind: Service\n",
	"a: 'x' # c\nb: \"y\"   \nc: []\nd: {}\n",
	"Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n  NotProd: !Not [!Condition IsProd]\n",
	"Value: !GetAtt\n  - Cluster\n  - MasterPublicDNS\n",
}

// Ensure each construct of the subset is read by the fast reader and
// gives the yaml.v3 path's tree, positions and kinds included.
func TestParseYAMLFastCases(t *testing.T) {
	for _, src := range fastCases {
		if !sameAsYAMLv3(t, []byte(src)) {
			t.Errorf("fell back to yaml.v3 for %q", src)
		}
	}
}

// Ensure what is outside the subset goes to yaml.v3 rather than being
// guessed at: errors keep yaml.v3's messages.
func TestParseYAMLFastFallsBack(t *testing.T) {
	for _, src := range []string{
		"a: &x 1\nb: *x\n", "<<: {a: 1}\n", "%YAML 1.2\n---\na: 1\n", "? a\n: b\n",
		"a: b\n  c\n", "a: 'b\n  c'\n", "a:\tb\n", "a: b\r\n", "a: [1, 2\n", "a: b: c\n",
		"a: \"\\q\"\n", "---\n", "a: 1\n b: 2\n", "\xff: x\n", "a: [a: b]\n", "a: !<tag:x> b\n",
		"a: !!int 1\n", "[a,]\n", "a: |0\n x\n", "- - a\n",
		"a" + strings.Repeat(" ", 1100) + ": b\n", "{a" + strings.Repeat(" ", 1100) + ": b}\n",
	} {
		if _, ok := parseYAMLFast("f.yaml", []byte(src)); ok {
			t.Errorf("fast reader took %q", src)
		}
		sameAsYAMLv3(t, []byte(src))
	}
}

// Ensure nesting past MaxDepth is refused as before, without recursion
// past the bound in the fast reader.
func TestParseYAMLFastDepth(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	if _, ok := parseYAMLFast("d.yaml", []byte(deep)); ok {
		t.Fatal("fast reader took a 100000-deep flow sequence")
	}
	_, err := ParseYAML("d.yaml", []byte(deep))
	if err == nil {
		t.Fatal("no error for a 100000-deep flow sequence")
	}
	var b strings.Builder
	for i := 0; i < MaxDepth+5; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	if _, ok := parseYAMLFast("d.yaml", []byte(b.String())); ok {
		t.Fatal("fast reader took a mapping nested past MaxDepth")
	}
}

// yamlFiles lists the YAML examples and fixtures of the repository.
func yamlFiles(t testing.TB) []string {
	var files []string
	for _, root := range []string{"../../controls/testdata", "../../examples", "testdata"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				files = append(files, path)
			}
			return nil
		})
	}
	if len(files) == 0 {
		t.Fatal("no YAML files found")
	}
	return files
}

// Ensure every YAML file of the repository takes the fast path and gives
// the same tree as yaml.v3.
func TestParseYAMLFastRepositoryFiles(t *testing.T) {
	for _, f := range yamlFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAsYAMLv3(t, data) {
			t.Errorf("%s: not in the fast subset", f)
		}
	}
}

// FuzzParseYAML checks that the fast reader gives up or agrees with the
// yaml.v3 path on any input.
func FuzzParseYAML(f *testing.F) {
	for _, s := range fastCases {
		f.Add([]byte(s))
	}
	for _, file := range yamlFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsYAMLv3(t, data)
	})
}

// Ensure a corpus named by EMRGUARD_YAML_DIR (a generated benchmark
// corpus, not in the repository) takes the fast path and agrees with
// yaml.v3 file by file.
func TestParseYAMLFastCorpus(t *testing.T) {
	dir := os.Getenv("EMRGUARD_YAML_DIR")
	if dir == "" {
		t.Skip("EMRGUARD_YAML_DIR not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no YAML files in %s (%v)", dir, err)
	}
	fallbacks := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAsYAMLv3(t, data) {
			fallbacks++
			t.Errorf("%s: not in the fast subset", f)
		}
	}
	t.Logf("%d YAML files, %d read by yaml.v3", len(files), fallbacks)
}

// BenchmarkParseYAML reads a CloudFormation template with the fast reader
// (what ParseYAML runs) and with the yaml.v3 path it replaces.
func BenchmarkParseYAML(b *testing.B) {
	data, err := os.ReadFile("testdata/cfn-emr-private-cluster.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range []struct {
		name  string
		parse func(string, []byte) ([]*Node, error)
	}{{"fast", ParseYAML}, {"yaml.v3", parseYAMLv3}} {
		b.Run(r.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.parse("t.yaml", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Ensure single-byte edits of the table's cases (each special character
// inserted at, or replacing, each position; each byte deleted) never make
// the fast reader disagree with yaml.v3: a deterministic sweep of the
// neighbourhood of the subset, where mistakes hide.
func TestParseYAMLFastEdits(t *testing.T) {
	chars := []byte(" \n-:#!|>[]{},'\"\\&*?%@`.0a~+")
	took := 0
	for _, src := range fastCases {
		b := []byte(src)
		for i := 0; i <= len(b); i++ {
			var edits [][]byte
			if i < len(b) {
				edits = append(edits, append(append([]byte{}, b[:i]...), b[i+1:]...))
			}
			for _, c := range chars {
				edits = append(edits, append(append(append([]byte{}, b[:i]...), c), b[i:]...))
				if i < len(b) {
					r := append([]byte{}, b...)
					r[i] = c
					edits = append(edits, r)
				}
			}
			for _, e := range edits {
				if sameAsYAMLv3(t, e) {
					took++
				}
			}
		}
	}
	t.Logf("%d edited inputs read by the fast reader", took)
}

// Ensure no string of a fast-path tree points into the file's text: the
// evidence keeps these strings, and a slice of the text would keep the
// whole file alive.
func TestYAMLFastStringsOwnMemory(t *testing.T) {
	data, err := os.ReadFile("testdata/cfn-emr-private-cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "\nExtra: {Quoted: 'single', Double: \"double\", Tagged: !Ref Thing, Num: 12}\n"...)
	docs, ok := parseYAMLFast("t.yaml", data)
	if !ok {
		t.Fatal("the template did not take the fast path")
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	hi := lo + uintptr(len(data))
	inside := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return s != "" && p >= lo && p < hi
	}
	n := 0
	var walk func(x *Node)
	walk = func(x *Node) {
		n++
		if inside(x.Text) || inside(x.Tag) {
			t.Errorf("%s: text %q or tag %q points into the input", x.At, x.Text, x.Tag)
		}
		for _, m := range x.Fields {
			if inside(m.Key) {
				t.Errorf("%s: key %q points into the input", m.KeyAt, m.Key)
			}
			walk(m.Val)
		}
		for _, it := range x.Items {
			walk(it)
		}
	}
	for _, d := range docs {
		walk(d)
	}
	if n < 100 {
		t.Fatalf("walked %d nodes only", n)
	}
}
