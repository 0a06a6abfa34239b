package tree

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// plain converts a tree to the values encoding/json decodes (UseNumber).
func plain(n *Node) any {
	switch n.Kind {
	case Object:
		m := map[string]any{}
		for _, f := range n.Fields {
			m[f.Key] = plain(f.Val)
		}
		return m
	case Array:
		a := make([]any, len(n.Items))
		for i, it := range n.Items {
			a[i] = plain(it)
		}
		return a
	case String:
		return n.Text
	case Number:
		return json.Number(n.Text)
	case Bool:
		return n.Text == "true"
	}
	return nil
}

// FuzzParseJSON ensures the hand-written parser accepts exactly what
// encoding/json accepts and decodes the same values (within MaxDepth).
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", true, null], "b": {}}`, `"\ud800"`, `"\ud800\u0041"`,
		"[\"\xff\"]", `[1,]`, `{"a" 1}`, `01`, `-`, `1.`, `1e`, `"\x"`, "\"a\nb\"", ` 7 `, `[]`, `{"a":1,"a":2}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			return // ParseJSON strips a BOM; encoding/json refuses it
		}
		n, err := ParseJSON("f.json", data)
		if err != nil && strings.Contains(err.Error(), "nested deeper") {
			return
		}
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("json.Valid %v, ParseJSON error %v, input %q", valid, err, data)
		}
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if got := plain(n); !reflect.DeepEqual(got, want) {
			t.Fatalf("value differs for %q:\n got %#v\nwant %#v", data, got, want)
		}
	})
}
