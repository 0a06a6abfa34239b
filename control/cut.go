package control

import (
	"unicode/utf8"

	"github.com/emrguard/emrguard/model"
)

// MaxQuoted bounds the bytes of a name, ID or value a result quotes: a
// resource's name can be megabytes (a request of 19 MiB under the file
// limit), and every result on it would copy it, into memory and into
// every report.
const MaxQuoted = 256

// Cut returns s, or its first MaxQuoted bytes (whole characters) and "…".
func Cut(s string) string {
	if len(s) <= MaxQuoted {
		return s
	}
	n := MaxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…" // the concatenation is a new string
}

// cutRef is ref with its name and ID cut: the strings of a cut Ref are
// new, so a result never keeps the resource's whole attribute alive.
func cutRef(ref model.Ref) model.Ref {
	if len(ref.Name) > MaxQuoted {
		ref.Name = Cut(ref.Name)
	}
	if len(ref.ID) > MaxQuoted {
		ref.ID = Cut(ref.ID)
	}
	return ref
}

// cutArgs cuts the strings a message quotes: the arguments that are
// strings, lists of strings or Refs. args is the caller's variadic
// slice, so it is copied before it is changed.
func cutArgs(args []any) []any {
	var out []any
	for i, a := range args {
		var c any
		switch a := a.(type) {
		case string:
			if len(a) > MaxQuoted {
				c = Cut(a)
			}
		case []string:
			for _, s := range a {
				if len(s) > MaxQuoted {
					cs := make([]string, len(a))
					for j, s := range a {
						cs[j] = Cut(s)
					}
					c = cs
					break
				}
			}
		case model.Ref:
			if len(a.Name) > MaxQuoted || len(a.ID) > MaxQuoted {
				c = cutRef(a)
			}
		}
		if c != nil {
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = c
		}
	}
	if out == nil {
		return args
	}
	return out
}
