package queue

import (
	"context"
	"sync"
)

// slots bounds the entries a worker handles at once, over all its streams.
// A reader asks how many are free before it reads (so entries do not sit
// read and unhandled), then takes one per entry.
type slots struct {
	mu      sync.Mutex
	free    int
	changed chan struct{} // closed (and replaced) when a slot is released
}

func newSlots(n int) *slots { return &slots{free: n, changed: make(chan struct{})} }

// Free is the number of free slots, and a channel closed when one is released.
func (s *slots) Free() (int, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.free, s.changed
}

// Acquire takes a slot, waiting for one; false if ctx ended first.
func (s *slots) Acquire(ctx context.Context) bool {
	for {
		s.mu.Lock()
		if s.free > 0 {
			s.free--
			s.mu.Unlock()
			return true
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return false
		case <-ch:
		}
	}
}

// Release gives a slot back.
func (s *slots) Release() {
	s.mu.Lock()
	s.free++
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}
