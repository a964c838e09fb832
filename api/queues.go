package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aduan-id/aduan/api/open311"
	"github.com/aduan-id/aduan/bot/queue"
)

// The complaint side's two queues (forwards, webhooks) are bot/queue workers
// plus their handle functions: one retry policy, one dead-letter format, one
// place (the report database) where a person sees what could not be done.

// storeSink keeps dead letters in the report store and then runs an
// after-step (telling the citizen a report could not be filed). Both are
// idempotent by (Stream, Entry), as queue.DeadLetterSink requires.
type storeSink struct {
	svc   *Service
	after func(ctx context.Context, d DeadLetter) error
}

func (s storeSink) AddDeadLetter(ctx context.Context, d DeadLetter) error {
	if err := s.svc.store.AddDeadLetter(ctx, d); err != nil {
		return fmt.Errorf("record dead letter: %w", err)
	}
	if s.after != nil {
		if err := s.after(ctx, d); err != nil {
			return fmt.Errorf("after dead letter: %w", err)
		}
	}
	return nil
}

// DeadLetterSink is where the messaging core's queues (replies, actions)
// put what they give up on: the report store, so that the console's "Gagal
// terkirim" page lists every kind.
func (s *Service) DeadLetterSink() queue.DeadLetterSink { return storeSink{svc: s} }

// classify turns a complaint API's (or webhook receiver's) answer into the
// queue's verdict: 4xx other than 408 and 429 is permanent; a Retry-After is
// a wait that never counts toward giving up.
func classify(err error) error {
	if se, ok := open311.AsStatusError(err); ok {
		if !se.Retryable() {
			return queue.Permanent(err)
		}
		return queue.After(err, se.RetryAfter)
	}
	var re queue.RetryError
	if errors.As(err, &re) {
		return err
	}
	return err // a network error or a timeout: transient
}

// newWorker builds one complaint-side queue worker.
func (s *Service) newWorker(cfg Config, name, group string, stream string, concurrency int,
	handle func(ctx context.Context, m queue.Message) error, describe func(m queue.Message) queue.Description,
	after func(ctx context.Context, d DeadLetter) error, log *slog.Logger) *queue.Worker {
	// One attempt is an HTTP call (bounded by HTTPTimeout) plus a report
	// update; an entry is taken from its consumer only well after that.
	handleTimeout := cfg.HTTPTimeout + time.Second
	reclaim := max(cfg.ReclaimIdle, 2*handleTimeout)
	return queue.NewWorker(s.rdb, queue.WorkerConfig{
		Name: name, Streams: []string{stream}, Group: group, Consumer: cfg.Consumer,
		Handle: handle, Describe: describe, DeadLetters: storeSink{svc: s, after: after},
		Policy: cfg.Policy, Concurrency: concurrency, Block: cfg.Block, Metrics: cfg.Metrics,
		HandleTimeout: handleTimeout, ReclaimIdle: reclaim,
	}, log)
}
