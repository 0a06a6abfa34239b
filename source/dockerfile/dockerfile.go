package dockerfile

import (
	"fmt"
	"path"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// Kind is the Ref kind of an image a FROM line starts from.
const Kind = "dockerfile:from"

// IsDockerfile reports whether a file name is one of a build file's:
// Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* (not the
// Dockerfile.dockerignore that goes with one).
func IsDockerfile(name string) bool {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".dockerignore"):
		return false
	case lower == "dockerfile" || lower == "containerfile":
		return true
	case strings.HasSuffix(lower, ".dockerfile") || strings.HasSuffix(lower, ".containerfile"):
		return len(lower) > len(".dockerfile")
	}
	return strings.HasPrefix(lower, "dockerfile.") || strings.HasPrefix(lower, "containerfile.")
}

// Stage is one FROM instruction.
type Stage struct {
	Line  int    // of the FROM keyword
	Name  string // the AS name, "" when none
	Image string // the image, build arguments substituted; "" when Unknown says why
	// Unknown says why Image cannot be told (a build argument with no
	// value in the file); "" when it can.
	Unknown string
	// Stage is the index of an earlier stage Image names, -1 when Image is
	// an image of its own.
	Stage int
}

// Parse returns the stages of a Dockerfile, in order, and the problems
// found in its FROM and ARG lines.
func Parse(file string, data []byte) ([]Stage, source.Diagnostics) {
	var diags source.Diagnostics
	var stages []Stage
	args := map[string]*string{} // global ARGs: nil value when declared without default
	for _, in := range instructions(data) {
		at := model.Loc{File: file, Line: in.line, Col: 1}
		switch in.keyword {
		case "ARG":
			if len(stages) > 0 {
				continue // a stage's ARG does not reach later FROM lines
			}
			for _, w := range fields(in.rest) {
				name, val, hasVal := strings.Cut(w, "=")
				if hasVal {
					v := unquote(val)
					args[name] = &v
				} else if _, seen := args[name]; !seen {
					args[name] = nil
				}
			}
		case "FROM":
			st, err := from(in.rest, args, stages)
			if err != "" {
				diags.Errorf(at, "%s", "FROM: "+err)
				continue
			}
			st.Line = in.line
			stages = append(stages, st)
		}
	}
	return stages, diags
}

// from reads the words of one FROM: flags, the image, "AS name".
func from(rest string, args map[string]*string, earlier []Stage) (Stage, string) {
	ws := fields(rest)
	for len(ws) > 0 && strings.HasPrefix(ws[0], "--") {
		ws = ws[1:] // --platform=…: where the image runs, not what it is
	}
	st := Stage{Stage: -1}
	switch {
	case len(ws) == 0:
		return st, "names no image"
	case len(ws) == 3 && strings.EqualFold(ws[1], "AS"):
		st.Name = ws[2]
	case len(ws) != 1:
		return st, fmt.Sprintf("want FROM [--flag…] IMAGE [AS NAME], got %q", strings.Join(ws, " "))
	}
	img, why := expand(ws[0], args)
	if why != "" {
		st.Unknown = why
		return st, ""
	}
	if img == "" {
		return st, "the image is empty once build arguments are substituted"
	}
	for i, e := range earlier {
		if e.Name != "" && strings.EqualFold(e.Name, img) {
			st.Stage = i
			break
		}
	}
	st.Image = img
	return st, ""
}

// expand substitutes global build arguments in s: $X, ${X}, ${X:-word}
// and ${X:+word}. why says which argument has no value.
func expand(s string, args map[string]*string) (out, why string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		var name, op, word string
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Sprintf("unterminated ${ in %q", s)
			}
			inner := s[i+2 : i+end]
			i += end
			name = inner
			if j := strings.Index(inner, ":"); j >= 0 && j+1 < len(inner) && (inner[j+1] == '-' || inner[j+1] == '+') {
				name, op, word = inner[:j], inner[j:j+2], inner[j+2:]
			}
		} else {
			j := i + 1
			for j < len(s) && (s[j] == '_' || 'a' <= s[j]|0x20 && s[j]|0x20 <= 'z' || j > i+1 && '0' <= s[j] && s[j] <= '9') {
				j++
			}
			if j == i+1 {
				b.WriteByte(c)
				continue
			}
			name = s[i+1 : j]
			i = j - 1
		}
		v, declared := args[name]
		set := declared && v != nil && *v != ""
		switch {
		case op == ":-" && !set:
			w, why := expand(word, args)
			if why != "" {
				return "", why
			}
			b.WriteString(w)
		case op == ":+" && set:
			w, why := expand(word, args)
			if why != "" {
				return "", why
			}
			b.WriteString(w)
		case op == ":+":
		case !declared:
			return "", fmt.Sprintf("build argument %s is not declared before the first FROM, so the image depends on the build", name)
		case v == nil:
			return "", fmt.Sprintf("build argument %s has no default in the file; its value is given at build time", name)
		default:
			b.WriteString(*v)
		}
	}
	return b.String(), ""
}

// fields splits words at blanks outside quotes.
func fields(s string) []string {
	var out []string
	var cur strings.Builder
	quote, in := byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
			cur.WriteByte(c)
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
