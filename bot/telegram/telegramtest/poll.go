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
	s.epochs = append(s.epochs, s.epoch)
	s.issued[id.ID] = s.epoch
	s.noteCallback(raw, time.Now())
	s.wake()
}

// ResetUpdateIDs makes the updates pushed from now on a new id sequence, as
// Telegram does after a week without updates (the next update_id is chosen at
// random, possibly lower than every earlier one). An offset then confirms
// only updates of the sequence that issued the id just below it: an offset
// computed from the old sequence leaves the new updates unconfirmed.
func (s *Server) ResetUpdateIDs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
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

// getUpdates emulates long polling: the queued updates not confirmed by the
// offset, waiting up to timeout seconds for one. An offset confirms (drops)
// the updates below it issued in the same id sequence as update offset-1.
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
		epoch, ok := s.issued[offset-1]
		if !ok {
			epoch = s.epoch
		}
		keepU, keepID, keepE := s.updates[:0:0], s.updateIDs[:0:0], s.epochs[:0:0]
		var out []json.RawMessage
		for i, id := range s.updateIDs {
			if offset > 0 && id < offset && s.epochs[i] == epoch {
				continue // confirmed: gone for good
			}
			keepU, keepID, keepE = append(keepU, s.updates[i]), append(keepID, id), append(keepE, s.epochs[i])
			if len(out) < limit {
				out = append(out, s.updates[i])
			}
		}
		s.updates, s.updateIDs, s.epochs = keepU, keepID, keepE
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
