package awstest

import (
	"slices"
	"strconv"
	"strings"
)

// listObjectsV2 lists a bucket's objects under prefix, rolled up at the
// delimiter into common prefixes, in key order, a page at a time
// (max-keys, at most 1000, or SetPageSize).
func (s *Server) listObjectsV2(c *call) {
	q := c.r.URL.Query()
	bucket, prefix, delim := c.path[0], q.Get("prefix"), q.Get("delimiter")
	type entry struct {
		key    string
		size   int
		common bool
	}
	var entries []entry
	seen := map[string]bool{}
	s.mu.Lock()
	for k, body := range s.objects {
		key, ok := strings.CutPrefix(k, bucket+"/")
		if !ok || !strings.HasPrefix(key, prefix) {
			continue
		}
		if i := strings.Index(key[len(prefix):], delim); delim != "" && i >= 0 {
			cp := key[:len(prefix)+i+len(delim)]
			if !seen[cp] {
				seen[cp] = true
				entries = append(entries, entry{key: cp, common: true})
			}
			continue
		}
		entries = append(entries, entry{key: key, size: len(body)})
	}
	s.mu.Unlock()
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	max, _ := strconv.Atoi(q.Get("max-keys"))
	from, to, next, ok := s.page(c, len(entries), q.Get("continuation-token"), max, 1000)
	if !ok {
		return
	}
	var b strings.Builder
	text := func(tag, v string) { xmlText(&b, tag, v) }
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	text("Name", bucket)
	text("Prefix", prefix)
	if delim != "" {
		text("Delimiter", delim)
	}
	text("KeyCount", strconv.Itoa(to-from))
	text("IsTruncated", strconv.FormatBool(next != ""))
	if next != "" {
		text("NextContinuationToken", next)
	}
	for _, e := range entries[from:to] {
		if e.common {
			b.WriteString("<CommonPrefixes>")
			text("Prefix", e.key)
			b.WriteString("</CommonPrefixes>")
			continue
		}
		b.WriteString("<Contents>")
		text("Key", e.key)
		text("Size", strconv.Itoa(e.size))
		b.WriteString("</Contents>")
	}
	b.WriteString("</ListBucketResult>")
	c.w.Header().Set("Content-Type", "application/xml")
	c.w.Write([]byte(b.String()))
}
