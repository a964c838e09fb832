package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// errNoChange, returned by an update func, ends the update without writing:
// the change was already made (a redelivered action) or is not needed.
var errNoChange = errors.New("no change")

// store keeps reports as JSON documents with sorted-set indexes. Every write
// is a WATCH/MULTI on the report's key, so concurrent changes of one report
// retry instead of losing one; extra writes (an outbox XADD) join the MULTI.
type store struct {
	rdb redis.UniversalClient
	k   keys
}

// extraFunc adds writes to the MULTI of a create or update.
type extraFunc func(p redis.Pipeliner, r *Report) error

func (s *store) get(ctx context.Context, number string) (*Report, error) {
	raw, err := s.rdb.Get(ctx, s.k.report(number)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("report %s: %w", number, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get report %s: %w", number, err)
	}
	var r Report
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode report %s: %w", number, err)
	}
	return &r, nil
}

// getMany loads reports by number, skipping those that vanished.
func (s *store) getMany(ctx context.Context, numbers []string) ([]*Report, error) {
	out := make([]*Report, 0, len(numbers))
	const batch = 200
	for i := 0; i < len(numbers); i += batch {
		part := numbers[i:min(i+batch, len(numbers))]
		ks := make([]string, len(part))
		for j, n := range part {
			ks[j] = s.k.report(n)
		}
		vals, err := s.rdb.MGet(ctx, ks...).Result()
		if err != nil {
			return nil, fmt.Errorf("load reports: %w", err)
		}
		for j, v := range vals {
			str, ok := v.(string)
			if !ok {
				continue
			}
			var r Report
			if err := json.Unmarshal([]byte(str), &r); err != nil {
				return nil, fmt.Errorf("decode report %s: %w", part[j], err)
			}
			out = append(out, &r)
		}
	}
	return out, nil
}

// create stores a new report unless one with its number exists. created is
// false (and nothing is written) for an existing number.
func (s *store) create(ctx context.Context, r *Report, extra extraFunc) (created bool, err error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("encode report %s: %w", r.Number, err)
	}
	key := s.k.report(r.Number)
	err = s.retry(ctx, func() error {
		return s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			n, err := tx.Exists(ctx, key).Result()
			if err != nil {
				return err
			}
			if n > 0 {
				created = false
				return nil
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, raw, 0)
				s.index(ctx, p, nil, r)
				if extra != nil {
					return extra(p, r)
				}
				return nil
			})
			created = err == nil
			return err
		}, key)
	})
	if err != nil {
		return false, fmt.Errorf("create report %s: %w", r.Number, err)
	}
	return created, nil
}

// update applies fn to the stored report and writes it back with extra in one
// MULTI. fn returning errNoChange ends without writing (update returns the
// report and nil); any other error is returned as is.
func (s *store) update(ctx context.Context, number string, fn func(r *Report) error, extra extraFunc) (*Report, error) {
	key := s.k.report(number)
	var out *Report
	err := s.retry(ctx, func() error {
		return s.rdb.Watch(ctx, func(tx *redis.Tx) error {
			raw, err := tx.Get(ctx, key).Bytes()
			if errors.Is(err, redis.Nil) {
				return fmt.Errorf("report %s: %w", number, ErrNotFound)
			}
			if err != nil {
				return err
			}
			var old, r Report
			if err := json.Unmarshal(raw, &old); err != nil {
				return fmt.Errorf("decode report %s: %w", number, err)
			}
			_ = json.Unmarshal(raw, &r)
			if err := fn(&r); err != nil {
				if errors.Is(err, errNoChange) {
					out = &r
					return nil
				}
				return err
			}
			r.UpdatedAt = time.Now().UTC()
			enc, err := json.Marshal(&r)
			if err != nil {
				return fmt.Errorf("encode report %s: %w", number, err)
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, key, enc, 0)
				s.index(ctx, p, &old, &r)
				if extra != nil {
					return extra(p, &r)
				}
				return nil
			})
			if err == nil {
				out = &r
			}
			return err
		}, key)
	})
	if err != nil {
		return nil, fmt.Errorf("update report %s: %w", number, err)
	}
	return out, nil
}

// index moves the report between indexes as its status or agency changes.
func (s *store) index(ctx context.Context, p redis.Pipeliner, old, r *Report) {
	z := redis.Z{Score: float64(r.CreatedAt.UnixMilli()), Member: r.Number}
	if old == nil {
		p.ZAdd(ctx, s.k.idxAll(), z)
		if r.Channel != "" {
			p.ZAdd(ctx, s.k.idxChat(r.Channel, r.ChatID), z)
		}
	}
	if old == nil || old.Status != r.Status {
		if old != nil {
			p.ZRem(ctx, s.k.idxStatus(old.Status), r.Number)
		}
		p.ZAdd(ctx, s.k.idxStatus(r.Status), z)
	}
	if old == nil || old.Agency != r.Agency {
		if old != nil {
			p.ZRem(ctx, s.k.idxAgency(old.Agency), r.Number)
		}
		p.ZAdd(ctx, s.k.idxAgency(r.Agency), z)
	}
	if r.External {
		if r.Status.Open() {
			p.ZAdd(ctx, s.k.extOpen(), z)
		} else {
			p.ZRem(ctx, s.k.extOpen(), r.Number)
		}
	}
}

// retry reruns a WATCH transaction that lost a race, with jitter.
func (s *store) retry(ctx context.Context, fn func() error) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		err = fn()
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
		d := time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return err
}
