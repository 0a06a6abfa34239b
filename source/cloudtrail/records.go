package cloudtrail

import (
	"bytes"
	"fmt"
)

// SyntaxError is a file whose JSON cannot be delimited into records.
type SyntaxError struct {
	Offset int // byte offset in the uncompressed file
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("at byte %d: %s", e.Offset, e.Msg) }

// Records calls fn with each element (its index, offset and bytes) of the top-level "Records" array of a
// CloudTrail log file ({"Records":[{…},…]}), as the bytes of that element,
// without decoding it: the scanner only follows strings and nesting. Other
// top-level members are skipped. It stops at fn's first error. The
// elements are checked to be objects with balanced nesting; their content
// is checked only when decoded.
func Records(data []byte, fn func(i, off int, rec []byte) error) (int, error) {
	s := scanner{data: data}
	n := 0
	s.ws()
	if !s.eat('{') {
		return 0, s.fail("the file is not a JSON object")
	}
	s.ws()
	if s.eat('}') {
		return 0, s.end()
	}
	for {
		s.ws()
		if s.peek() != '"' {
			return n, s.fail("want a member name")
		}
		start := s.i
		if err := s.str(); err != nil {
			return n, err
		}
		key := data[start:s.i]
		s.ws()
		if !s.eat(':') {
			return n, s.fail("want ':' after a member name")
		}
		s.ws()
		if string(key) == `"Records"` && s.peek() == '[' {
			s.i++
			s.ws()
			if !s.eat(']') {
				for {
					s.ws()
					if s.peek() != '{' {
						return n, s.fail(fmt.Sprintf("record %d is not a JSON object", n))
					}
					rs := s.i
					if err := s.value(); err != nil {
						return n, err
					}
					if err := fn(n, rs, data[rs:s.i]); err != nil {
						return n, err
					}
					n++
					s.ws()
					if s.eat(']') {
						break
					}
					if !s.eat(',') {
						return n, s.fail(fmt.Sprintf("want ',' or ']' after record %d", n-1))
					}
				}
			}
		} else if err := s.value(); err != nil {
			return n, err
		}
		s.ws()
		if s.eat('}') {
			return n, s.end()
		}
		if !s.eat(',') {
			return n, s.fail("want ',' or '}' between members")
		}
	}
}

type scanner struct {
	data []byte
	i    int
}

func (s *scanner) fail(msg string) error {
	if s.i >= len(s.data) {
		return &SyntaxError{Offset: len(s.data), Msg: "unexpected end of the JSON (truncated file?); " + msg}
	}
	return &SyntaxError{Offset: s.i, Msg: msg}
}

func (s *scanner) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// end checks that only whitespace follows the top-level object.
func (s *scanner) end() error {
	s.ws()
	if s.i != len(s.data) {
		return s.fail("data after the top-level object")
	}
	return nil
}

// str skips the string starting at s.i (a '"'), jumping from quote to
// quote: strings are most of a record's bytes.
func (s *scanner) str() error {
	j := s.i + 1
	// Most strings are short: a plain loop beats a call to IndexByte.
	for end := min(j+24, len(s.data)); j < end; j++ {
		switch s.data[j] {
		case '"':
			s.i = j + 1
			return nil
		case '\\':
			j = end // rare: leave it to the general loop
		}
	}
	j = s.i + 1
	for {
		k := bytes.IndexByte(s.data[j:], '"')
		if k < 0 {
			s.i = len(s.data)
			return s.fail("unterminated string")
		}
		q := j + k
		bs := 0
		for p := q - 1; p > s.i && s.data[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			s.i = q + 1
			return nil
		}
		j = q + 1
	}
}

// value skips one JSON value. Inside containers only strings and nesting
// are followed; a mismatched bracket is caught here, other errors inside a
// record when it is decoded.
func (s *scanner) value() error {
	switch c := s.peek(); {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		var stack [64]byte
		open := stack[:0]
		for s.i < len(s.data) {
			switch c := s.data[s.i]; c {
			case '"':
				if err := s.str(); err != nil {
					return err
				}
				continue
			case '{', '[':
				if len(open) == 512 {
					return s.fail("nesting deeper than 512")
				}
				open = append(open, c)
			case '}', ']':
				want := byte('{')
				if c == ']' {
					want = '['
				}
				if len(open) == 0 || open[len(open)-1] != want {
					return s.fail(fmt.Sprintf("unexpected %q", c))
				}
				open = open[:len(open)-1]
				if len(open) == 0 {
					s.i++
					return nil
				}
			}
			s.i++
		}
		return s.fail("unterminated object or array")
	case c == '-' || c >= '0' && c <= '9' || c == 't' || c == 'f' || c == 'n':
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return nil
			}
			s.i++
		}
		return nil
	case s.i >= len(s.data):
		return s.fail("want a value")
	default:
		return s.fail(fmt.Sprintf("unexpected %q", c))
	}
}
