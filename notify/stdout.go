package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Writer is a sink that writes each alert as one JSON line.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a sink writing JSON lines to w (safe for concurrent use).
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Send writes a as one JSON line.
func (s *Writer) Send(_ context.Context, a Alert) error {
	line, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("stdout sink: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("stdout sink: %w", err)
	}
	return nil
}
