package dockerfile

import (
	"strings"
)

// instruction is one logical line: its keyword (upper case), the rest,
// and the line it starts on.
type instruction struct {
	keyword string
	rest    string
	line    int
}

// instructions joins continued lines, drops comments and blank lines, and
// skips heredoc bodies. The escape character is \ unless a parser
// directive at the top says `# escape=` + "`".
func instructions(data []byte) []instruction {
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\xef\xbb\xbf"), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	escape := byte('\\')
	i := 0
	// Parser directives: "# key=value" lines at the very top.
	for ; i < len(lines); i++ {
		k, v, ok := directive(lines[i])
		if !ok {
			break
		}
		if k == "escape" && (v == "`" || v == `\`) {
			escape = v[0]
		}
	}
	var out []instruction
	for i < len(lines) {
		start := i
		line := strings.TrimSpace(lines[i])
		i++
		if line == "" || line[0] == '#' {
			continue
		}
		var b strings.Builder
		for {
			cont := len(line) > 0 && line[len(line)-1] == escape
			if cont {
				line = line[:len(line)-1]
			}
			b.WriteString(line)
			if !cont {
				break
			}
			// Comment and empty lines inside a continuation are dropped.
			for i < len(lines) {
				if t := strings.TrimSpace(lines[i]); t == "" || t[0] == '#' {
					i++
					continue
				}
				break
			}
			if i >= len(lines) {
				break
			}
			line = strings.TrimSpace(lines[i])
			i++
		}
		full := b.String()
		kw, rest, _ := strings.Cut(full, " ")
		if j := strings.IndexByte(kw, '\t'); j >= 0 {
			kw, rest = full[:j], full[j+1:]
		}
		out = append(out, instruction{keyword: strings.ToUpper(kw), rest: strings.TrimSpace(rest), line: start + 1})
		if kw := strings.ToUpper(kw); kw != "RUN" && kw != "COPY" && kw != "ADD" {
			continue // only these take heredocs
		}
		for _, end := range heredocs(rest) {
			for i < len(lines) {
				l := lines[i]
				i++
				if strings.TrimLeft(l, "\t") == end {
					break
				}
			}
		}
	}
	return out
}

// directive reads a parser directive line ("# escape=`").
func directive(line string) (key, val string, ok bool) {
	t := strings.TrimSpace(line)
	if !strings.HasPrefix(t, "#") {
		return "", "", false
	}
	k, v, ok := strings.Cut(strings.TrimSpace(t[1:]), "=")
	k = strings.ToLower(strings.TrimSpace(k))
	if !ok || k == "" || strings.ContainsAny(k, " \t") {
		return "", "", false
	}
	return k, strings.TrimSpace(v), true
}

// heredocs returns the terminators of the heredocs an instruction opens
// (<<EOF, <<-EOF, <<"EOF"), in order.
func heredocs(rest string) []string {
	var out []string
	for {
		j := strings.Index(rest, "<<")
		if j < 0 {
			return out
		}
		atWord := j == 0 || rest[j-1] == ' ' || rest[j-1] == '\t'
		rest = rest[j+2:]
		if !atWord {
			continue // a shift (1<<2), not a heredoc
		}
		rest = strings.TrimPrefix(rest, "-")
		w := rest
		if k := strings.IndexAny(w, " \t;&|>"); k >= 0 {
			w = w[:k]
		}
		w = strings.Trim(w, `"'`)
		if w == "" || !isWord(w) {
			continue
		}
		out = append(out, w)
	}
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c == '.' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}
