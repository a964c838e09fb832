package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aduan-id/aduan/api/open311"
)

// Poller asks an external Open311 server (which sends no webhooks) about the
// open reports filed with it, in batches of service_request_id, and turns a
// changed status into ChangeStatus (the citizen is told) and changed
// status_notes into a reply. Idempotent by event ids derived from what was
// seen, so several replicas may poll.
type Poller struct {
	svc    *Service
	cfg    Config
	client *open311.Client
	batch  int
}

// NewPoller returns a poller; with no ComplaintAPIURL its Run returns at once.
func NewPoller(svc *Service, cfg Config) *Poller {
	cfg = cfg.withDefaults()
	p := &Poller{svc: svc, cfg: cfg, batch: 50}
	if cfg.ComplaintAPIURL != "" {
		p.client = complaintClient(cfg)
	}
	return p
}

// Run polls every PollInterval until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	if p.client == nil {
		return nil
	}
	t := time.NewTicker(p.cfg.PollInterval)
	defer t.Stop()
	for {
		if err := p.PollOnce(ctx); err != nil && ctx.Err() == nil {
			p.svc.log.Warn("poller: poll failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// PollOnce checks every open externally filed report once.
func (p *Poller) PollOnce(ctx context.Context) error {
	if p.client == nil {
		return nil
	}
	var errs []error
	after := ""
	for {
		part, err := p.svc.store.OpenExternal(ctx, after, p.batch)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("poller: open reports: %w", err))...)
		}
		if len(part) == 0 {
			return errors.Join(errs...)
		}
		after = part[len(part)-1].Number
		byID := map[string]*Report{}
		ids := make([]string, 0, len(part))
		for _, r := range part {
			byID[r.ServiceRequestID] = r
			ids = append(ids, r.ServiceRequestID)
		}
		got, err := p.client.GetRequests(ctx, ids)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, q := range got {
			if r, ok := byID[q.ServiceRequestID]; ok {
				if err := p.apply(ctx, r, q); err != nil {
					errs = append(errs, fmt.Errorf("poller: %s: %w", r.Number, err))
				}
			}
		}
	}
}

// apply turns what the external server says into our changes, in one
// transaction: a changed status (the citizen is told), or changed notes as a
// reply, and the external state seen.
func (p *Poller) apply(ctx context.Context, r *Report, q open311.Request) error {
	seen := "poll:" + q.Status + ":" + shortHash(q.StatusNotes)
	_, err := p.svc.update(ctx, r.Number, func(r *Report) ([]Effect, error) {
		if r.ExternalStatus == q.Status && r.ExternalNotes == q.StatusNotes {
			return nil, ErrNoChange
		}
		target := r.Status
		if st, ok := ParseStatus(q.StatusDetail); ok && q.StatusDetail != "" {
			target = st // an Aduan-compatible server says exactly
		} else if q.Status == "closed" && r.Status.Open() {
			target = StatusResolved
		} else if q.Status == "open" && !r.Status.Open() {
			target = StatusInProgress
		}
		var effects []Effect
		switch {
		case r.HasEvent(seen):
		case target != r.Status:
			effects = p.svc.applyStatus(r, ActorPoller, target, q.StatusNotes, seen)
		case q.StatusNotes != "" && q.StatusNotes != r.ExternalNotes:
			effects = p.svc.applyReply(r, ActorPoller, q.StatusNotes, seen)
		}
		r.ExternalStatus, r.ExternalNotes = q.Status, q.StatusNotes
		return effects, nil
	})
	return err
}
