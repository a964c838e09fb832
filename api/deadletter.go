package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DeadLetter is an outbox entry that could not be delivered: a report the
// complaint API refused (or that failed too often), or an outbound webhook.
// The console lists them; RetryDeadLetter queues one again.
type DeadLetter struct {
	ID       string            `json:"id"`
	Kind     string            `json:"kind"`             // "forward" or "webhook"
	Number   string            `json:"number,omitempty"` // tracking number
	Target   string            `json:"target,omitempty"` // webhook URL (forward: the API URL)
	Error    string            `json:"error"`
	Attempts int               `json:"attempts"`
	At       time.Time         `json:"at"`
	Stream   string            `json:"stream"`
	Values   map[string]string `json:"values"` // the entry, to queue again
}

// Dead-letter kinds.
const (
	DeadForward = "forward"
	DeadWebhook = "webhook"
)

// DeadLetters lists dead letters, newest first.
func (s *Service) DeadLetters(ctx context.Context) ([]DeadLetter, error) {
	ids, err := s.rdb.ZRevRange(ctx, s.k.deadIdx(), 0, 999).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	vals, err := s.rdb.HMGet(ctx, s.k.dead(), ids...).Result()
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	out := make([]DeadLetter, 0, len(vals))
	for _, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue
		}
		var d DeadLetter
		if err := json.Unmarshal([]byte(str), &d); err != nil {
			return nil, fmt.Errorf("decode dead letter: %w", err)
		}
		out = append(out, d)
	}
	return out, nil
}

// RetryDeadLetter queues a dead letter on its stream again (with a fresh
// attempt count) and removes it from the list.
func (s *Service) RetryDeadLetter(ctx context.Context, id string) error {
	raw, err := s.rdb.HGet(ctx, s.k.dead(), id).Result()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("dead letter %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	var d DeadLetter
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return fmt.Errorf("decode dead letter %s: %w", id, err)
	}
	vals := make(map[string]any, len(d.Values))
	for k, v := range d.Values {
		vals[k] = v
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: d.Stream, Values: vals})
		p.HDel(ctx, s.k.dead(), id)
		p.ZRem(ctx, s.k.deadIdx(), id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	return nil
}

// addDeadLetter records d (in p's MULTI).
func (s *Service) addDeadLetter(ctx context.Context, p redis.Pipeliner, d DeadLetter) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode dead letter: %w", err)
	}
	p.HSet(ctx, s.k.dead(), d.ID, raw)
	p.ZAdd(ctx, s.k.deadIdx(), redis.Z{Score: float64(d.At.UnixMilli()), Member: d.ID})
	return nil
}
