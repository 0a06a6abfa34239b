package model

import (
	"reflect"
	"testing"
)

// Ensure Merge appends, and Grow makes room for, every slice of Evidence:
// a field added to Evidence but not to them would be dropped by a scan,
// or grown element by element.
func TestMergeAndGrowCoverEveryField(t *testing.T) {
	part := &Evidence{}
	pv := reflect.ValueOf(part).Elem()
	var slices []string
	for i := 0; i < pv.NumField(); i++ {
		f := pv.Field(i)
		if f.Kind() != reflect.Slice || !f.CanSet() {
			continue
		}
		f.Set(reflect.MakeSlice(f.Type(), 3, 3))
		slices = append(slices, pv.Type().Field(i).Name)
	}
	if len(slices) < 30 {
		t.Fatalf("only %d slice fields found: %v", len(slices), slices)
	}
	e := &Evidence{}
	e.Grow([]*Evidence{part, nil, part})
	ev := reflect.ValueOf(e).Elem()
	for _, name := range slices {
		if c := ev.FieldByName(name).Cap(); c < 6 {
			t.Errorf("Grow leaves %s room for %d, want 6", name, c)
		}
	}
	e.Merge(part)
	e.Merge(part)
	for _, name := range slices {
		if n := ev.FieldByName(name).Len(); n != 6 {
			t.Errorf("Merge of two parts of 3 gives %s %d, want 6", name, n)
		}
	}
}
