package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
		p.client = &open311.Client{BaseURL: cfg.ComplaintAPIURL, APIKey: cfg.ComplaintAPIKey,
			HTTP: &http.Client{Timeout: cfg.HTTPTimeout}}
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
	numbers, err := p.svc.rdb.ZRange(ctx, p.svc.k.extOpen(), 0, -1).Result()
	if err != nil {
		return fmt.Errorf("poller: open reports: %w", err)
	}
	reports, err := p.svc.st.getMany(ctx, numbers)
	if err != nil {
		return fmt.Errorf("poller: %w", err)
	}
	var errs []error
	for i := 0; i < len(reports); i += p.batch {
		part := reports[i:min(i+p.batch, len(reports))]
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
	return errors.Join(errs...)
}

// apply turns what the external server says into our changes.
func (p *Poller) apply(ctx context.Context, r *Report, q open311.Request) error {
	target := r.Status
	if st, ok := ParseStatus(q.StatusDetail); ok && q.StatusDetail != "" {
		target = st // an Aduan-compatible server says exactly
	} else if q.Status == "closed" && r.Status.Open() {
		target = StatusResolved
	} else if q.Status == "open" && !r.Status.Open() {
		target = StatusInProgress
	}
	seen := "poll:" + q.Status + ":" + shortHash(q.StatusNotes)
	switch {
	case target != r.Status:
		if _, err := p.svc.changeStatus(ctx, r.Number, ActorPoller, target, q.StatusNotes, seen); err != nil &&
			!errors.Is(err, ErrConflict) {
			return err
		}
	case q.StatusNotes != "" && q.StatusNotes != r.ExternalNotes:
		if err := p.svc.adminReply(ctx, r.Number, ActorPoller, q.StatusNotes, seen); err != nil {
			return err
		}
	}
	_, err := p.svc.st.update(ctx, r.Number, func(r *Report) error {
		if r.ExternalStatus == q.Status && r.ExternalNotes == q.StatusNotes {
			return errNoChange
		}
		r.ExternalStatus, r.ExternalNotes = q.Status, q.StatusNotes
		return nil
	}, nil)
	return err
}
