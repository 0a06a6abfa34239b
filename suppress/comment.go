package suppress

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Marker starts every inline suppression.
const Marker = "emrguard:ignore"

// parseDirective reads what follows Marker: "EMR102[,EMR103] [until=DATE]
// [reason="…"]". Values may be double-quoted (with \" and \\ escapes) or
// bare words.
func parseDirective(s string) (Rule, error) {
	var r Rule
	fields, err := splitFields(s)
	if err != nil {
		return r, err
	}
	if len(fields) == 0 || strings.Contains(fields[0], "=") {
		return r, fmt.Errorf("%s needs control IDs, e.g. %s EMR102 reason=\"…\"", Marker, Marker)
	}
	for _, id := range strings.Split(fields[0], ",") {
		if id = strings.TrimSpace(id); id != "" {
			r.Controls = append(r.Controls, strings.ToUpper(id))
		}
	}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return r, fmt.Errorf("%s: %q is not key=value (want until=YYYY-MM-DD or reason=\"…\")", Marker, f)
		}
		switch k {
		case "until":
			t, err := ParseDate(v)
			if err != nil {
				return r, err
			}
			r.Until = t
		case "reason":
			r.Reason = v
		default:
			return r, fmt.Errorf("%s: unknown key %q (want until or reason)", Marker, k)
		}
	}
	return r, nil
}

// ParseDate reads an end date, YYYY-MM-DD, as midnight UTC.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("until=%q is not a date (want YYYY-MM-DD)", s)
	}
	return t, nil
}

// splitFields splits on spaces outside double quotes and unquotes values.
func splitFields(s string) ([]string, error) {
	var out []string
	var b strings.Builder
	inField, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			quoted = !quoted
			inField = true
		case !quoted && unicode.IsSpace(rune(c)):
			if inField {
				out = append(out, b.String())
				b.Reset()
				inField = false
			}
		default:
			b.WriteByte(c)
			inField = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("%s: unterminated quoted value", Marker)
	}
	if inField {
		out = append(out, b.String())
	}
	return out, nil
}

// commentDirective finds Marker inside a comment on line and returns the
// text after it, and whether the line holds nothing but the comment.
func commentDirective(line string) (rest string, whole, ok bool) {
	i := strings.Index(line, Marker)
	if i < 0 {
		return "", false, false
	}
	// The marker must open the comment: "# emrguard:ignore" or
	// "// emrguard:ignore", so a mention inside a string or in prose is not
	// taken for a suppression.
	before := strings.TrimRight(line[:i], " \t")
	var j int
	switch {
	case strings.HasSuffix(before, "#"):
		j = len(before) - 1
	case strings.HasSuffix(before, "//"):
		j = len(before) - 2
	default:
		return "", false, false
	}
	if j > 0 && before[j-1] != ' ' && before[j-1] != '\t' {
		return "", false, false // "#" inside a word or string, as YAML has it
	}
	return line[i+len(Marker):], strings.TrimSpace(before[:j]) == "", true
}

// isComment reports whether line holds only a comment.
func isComment(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//")
}
