package api

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// DeadLetter is work that could not be done and that a person must look at:
// a reply that could not be delivered, an engine action that kept failing, a
// report the complaint API refused, a webhook that failed. One format for
// every kind (bot/queue's); the console's "Gagal terkirim" page lists them,
// and retry puts Payload back on Stream.
type DeadLetter = queue.DeadLetter

// Dead-letter kinds.
const (
	DeadReply   = "reply"   // a message to a citizen that could not be delivered
	DeadAction  = "action"  // an engine action (submit, status, ...) that kept failing
	DeadForward = "forward" // a report the complaint API refused or kept failing
	DeadWebhook = "webhook" // an outbound webhook that failed
)

// DeadLetters lists unresolved dead letters, newest first.
func (s *Service) DeadLetters(ctx context.Context, q DeadLetterQuery) (*DeadLetterPage, error) {
	page, err := s.store.DeadLetters(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return page, nil
}

// DeadLetter returns one unresolved dead letter.
func (s *Service) DeadLetter(ctx context.Context, id string) (DeadLetter, error) {
	return s.store.DeadLetter(ctx, id)
}

// RetryDeadLetter queues a dead letter's entry on its stream again (with a
// fresh attempt count) and takes it off the list. Queued first, resolved
// second: a crash between the two leaves it listed (and retried twice at
// worst — every worker is idempotent), never lost.
func (s *Service) RetryDeadLetter(ctx context.Context, id, actor string) error {
	d, err := s.store.DeadLetter(ctx, id)
	if err != nil {
		return fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	if d.Stream == "" || d.Stream == "outbox" || len(d.Payload) == 0 {
		return fmt.Errorf("dead letter %s cannot be queued again (discard it): %w", id, ErrInvalid)
	}
	vals := make([]any, 0, 2*len(d.Payload))
	for k, v := range d.Payload {
		vals = append(vals, k, v)
	}
	if err := s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: d.Stream, Values: vals}).Err(); err != nil {
		return fmt.Errorf("retry dead letter %s: queue: %w", id, err)
	}
	if err := s.store.ResolveDeadLetter(ctx, id, "retried", actor, ""); err != nil {
		return fmt.Errorf("retry dead letter %s: %w", id, err)
	}
	return nil
}

// DiscardDeadLetter takes a dead letter off the list for good, with the
// reason an admin gave (the console audits it).
func (s *Service) DiscardDeadLetter(ctx context.Context, id, actor, reason string) error {
	if len([]rune(reason)) < 3 {
		return fmt.Errorf("discard needs a reason: %w", ErrInvalid)
	}
	if err := s.store.ResolveDeadLetter(ctx, id, "discarded", actor, reason); err != nil {
		return fmt.Errorf("discard dead letter %s: %w", id, err)
	}
	return nil
}

// EditForRetry corrects a report that the complaint API refused as invalid
// (an unknown service code, a field it will not take) before its forward is
// retried: the category (and with it the agency) and the description, each
// only when given. The change is on the timeline as an internal note.
func (s *Service) EditForRetry(ctx context.Context, number, actor, category, description string) error {
	var agency string
	if category != "" {
		svc, ok := s.catalog.Service(category)
		if !ok {
			return fmt.Errorf("edit %s: unknown category %q: %w", number, category, ErrInvalid)
		}
		agency = svc.Agency
	}
	description = strings.TrimSpace(description)
	_, err := s.update(ctx, NormalizeNumber(number), func(r *Report) ([]Effect, error) {
		var changes []string
		if category != "" && category != r.Category {
			changes = append(changes, "kategori "+r.Category+" → "+category)
			r.Category, r.Agency = category, agency
		}
		if description != "" && description != r.Description {
			changes = append(changes, "uraian diubah")
			r.Description = description
		}
		if len(changes) == 0 {
			return nil, ErrNoChange
		}
		r.Timeline = append(r.Timeline, Event{ID: newID(), Kind: EventInternalNote, Actor: actor, At: s.now(),
			Text: "Diperbaiki sebelum dikirim ulang: " + strings.Join(changes, "; ")})
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("edit for retry: %w", err)
	}
	return nil
}
