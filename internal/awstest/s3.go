package awstest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/emrguard/emrguard/source/snapshot"
)

// s3Op names a path-style S3 request: GET /bucket?logging is
// GetBucketLogging, GET /bucket/key is GetObject.
func s3Op(c *call) string {
	switch {
	case c.r.Method == http.MethodGet && len(c.path) == 1 && c.r.URL.Query().Has("logging"):
		return "GetBucketLogging"
	case c.r.Method == http.MethodGet && len(c.path) == 1 && c.r.URL.Query().Get("list-type") == "2":
		return "ListObjectsV2"
	case c.r.Method == http.MethodGet && len(c.path) >= 2:
		return "GetObject"
	case c.r.Method == http.MethodPut && len(c.path) >= 2:
		return "PutObject"
	}
	return c.r.Method + "Unknown"
}

// s3 serves GetBucketLogging from the accounts' Buckets (the requester's
// first: bucket names are global), and GetObject, PutObject and
// ListObjectsV2 from the objects put (by the Go method or the call).
func (s *Server) s3(c *call) {
	switch c.op {
	case "GetBucketLogging":
		bucket := s.findBucket(c, c.path[0])
		if bucket == nil {
			c.fail(404, "NoSuchBucket", "The specified bucket does not exist")
			return
		}
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
		if bucket.Logging != nil {
			xmlValue(&b, "LoggingEnabled", "", reflectOf(bucket.Logging), s3XML)
		}
		b.WriteString(`</BucketLoggingStatus>`)
		c.w.Header().Set("Content-Type", "application/xml")
		c.w.Write([]byte(b.String()))
	case "GetObject":
		key := strings.Join(c.path[1:], "/")
		s.mu.Lock()
		body, ok := s.objects[c.path[0]+"/"+key]
		s.mu.Unlock()
		if !ok {
			c.fail(404, "NoSuchKey", "The specified key does not exist.")
			return
		}
		h := c.w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("ETag", `"`+md5hex(string(body))+`"`)
		h.Set("Last-Modified", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat))
		c.w.Write(body)
	case "PutObject":
		s.PutObject(c.path[0], strings.Join(c.path[1:], "/"), c.body)
		c.w.Header().Set("ETag", `"`+md5hex(string(c.body))+`"`)
	case "ListObjectsV2":
		s.listObjectsV2(c)
	default:
		c.fail(405, "MethodNotAllowed", "awstest: S3 "+c.r.Method+" "+c.r.URL.Path+" is not served")
	}
}

func (s *Server) findBucket(c *call, name string) *snapshot.Bucket {
	s.mu.Lock()
	defer s.mu.Unlock()
	accts := []*account{c.acct}
	for _, id := range s.order {
		accts = append(accts, s.accounts[id])
	}
	for _, a := range accts {
		for _, b := range a.snap.Buckets {
			if b.Name == name {
				return b
			}
		}
	}
	return nil
}
