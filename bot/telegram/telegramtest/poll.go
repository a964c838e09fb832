package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// PushUpdate queues an update for getUpdates. u is a models.Update, or raw
// JSON ([]byte, string, json.RawMessage) with an update_id.
func (s *Server) PushUpdate(u any) {
	raw := toJSON(u)
	var id struct {
		ID int64 `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &id); err != nil {
		panic(fmt.Sprintf("telegramtest: update without update_id: %v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, raw)
	s.updateIDs = append(s.updateIDs, id.ID)
	s.noteCallback(raw, time.Now())
	s.wake()
}

// Pending returns the ids of the updates not yet confirmed by an offset.
func (s *Server) Pending() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.updateIDs...)
}

// Confirmed returns the highest offset a getUpdates call sent.
func (s *Server) Confirmed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// wake signals waiting long polls; s.mu held.
func (s *Server) wake() {
	close(s.notify)
	s.notify = make(chan struct{})
}

func toJSON(u any) json.RawMessage {
	switch v := u.(type) {
	case []byte:
		return json.RawMessage(v)
	case string:
		return json.RawMessage(v)
	case json.RawMessage:
		return v
	}
	b, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal update: %v", err))
	}
	return b
}

// getUpdates emulates long polling: updates with id >= offset, waiting up to
// timeout seconds for one. Only updates below the offset are dropped.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, form map[string]string) {
	offset, _ := strconv.ParseInt(form["offset"], 10, 64)
	timeout, _ := strconv.Atoi(form["timeout"])
	limit, _ := strconv.Atoi(form["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		if offset > s.confirmed {
			s.confirmed = offset
		}
		keepU, keepID := s.updates[:0:0], s.updateIDs[:0:0]
		var out []json.RawMessage
		for i, id := range s.updateIDs {
			if offset > 0 && id < offset {
				continue // confirmed: gone for good
			}
			keepU, keepID = append(keepU, s.updates[i]), append(keepID, id)
			if len(out) < limit {
				out = append(out, s.updates[i])
			}
		}
		s.updates, s.updateIDs = keepU, keepID
		wait := s.notify
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			if out == nil {
				out = []json.RawMessage{}
			}
			writeOK(w, out)
			return
		}
		select {
		case <-wait:
		case <-deadline:
			writeOK(w, []json.RawMessage{})
			return
		case <-r.Context().Done():
			return
		}
	}
}
