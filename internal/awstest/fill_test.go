package awstest_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// fill sets every exported field of *p, recursively, to a distinct value
// (strings "v<n>", numbers n, true, times on whole seconds, lists of two,
// maps of one), so that a member the server names wrongly is lost on the
// way back and the comparison shows it. Recursive types stop at their
// second appearance; interfaces (unions) are left nil.
func fill[T any](p *T) *T {
	n := 0
	fillValue(reflect.ValueOf(p).Elem(), &n, map[reflect.Type]int{})
	return p
}

var base = time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)

func fillValue(v reflect.Value, n *int, onStack map[reflect.Type]int) {
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		if onStack[v.Type().Elem()] > 0 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem(), n, onStack)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(base.Add(time.Duration(*n) * time.Second)))
			return
		}
		onStack[v.Type()]++
		defer func() { onStack[v.Type()]-- }()
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillValue(v.Field(i), n, onStack)
			}
		}
	case reflect.Slice:
		if onStack[v.Type().Elem()] > 0 {
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte(fmt.Sprintf("bytes %d", *n)))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fillValue(v.Index(i), n, onStack)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k := reflect.New(v.Type().Key()).Elem()
		k.SetString(fmt.Sprintf("k%d", *n))
		e := reflect.New(v.Type().Elem()).Elem()
		fillValue(e, n, onStack)
		v.SetMapIndex(k, e)
	case reflect.String:
		v.SetString(fmt.Sprintf("v%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n % 100))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	}
}

// sameJSON fails the test when got and want differ once encoded as JSON
// (the snapshot's own encoding), showing both.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		from := max(i-200, 0)
		t.Errorf("%s differs at byte %d:\n got …%s\nwant …%s", what, i, g[from:min(i+100, len(g))], w[from:min(i+100, len(w))])
	}
}
