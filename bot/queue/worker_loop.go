package queue

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// streamLoop reads one stream of a worker.
type streamLoop struct {
	w   *Worker
	r   *Reader
	log *slog.Logger

	mu sync.Mutex
	// waiting are entries this consumer holds pending for a later attempt
	// (a retry, or a dead letter whose write failed), by id.
	waiting map[string]*waitEntry

	ensured               bool
	nextJanitor, nextTrim time.Time
}

// waitEntry is an entry held pending until due.
type waitEntry struct {
	msg        Message
	due        time.Time
	touched    time.Time // when this consumer last read or claimed it
	deliveries int64
	dead       *DeadLetter // set: only the dead letter's write is left to do
	sinkFails  int
}

func (w *Worker) newLoop(stream string) *streamLoop {
	now := time.Now()
	return &streamLoop{w: w, r: NewReader(w.rdb, stream, w.cfg.Group, w.cfg.Consumer),
		log: w.log.With("stream", stream), waiting: map[string]*waitEntry{},
		nextJanitor: now, nextTrim: now.Add(w.cfg.TrimEvery)}
}

func (l *streamLoop) run(ctx context.Context) {
	errs := 0
	for ctx.Err() == nil {
		err := l.step(ctx)
		if err == nil {
			errs = 0
			continue
		}
		if Stopped(ctx, err) {
			return
		}
		if IsNoGroup(err) {
			l.ensured = false
		}
		errs++
		l.log.Warn("queue stream", "err", err, "failures", errs)
		sleep(ctx, outageBackoff(errs))
	}
}

func (l *streamLoop) step(ctx context.Context) error {
	cfg := l.w.cfg
	if !l.ensured {
		if err := EnsureGroup(ctx, l.w.rdb, l.r.Stream(), cfg.Group); err != nil {
			return err
		}
		l.ensured = true
	}
	now := time.Now()
	if !now.Before(l.nextJanitor) {
		l.nextJanitor = now.Add(cfg.JanitorEvery)
		if err := l.janitor(ctx); err != nil {
			return err
		}
	}
	if !now.Before(l.nextTrim) {
		l.nextTrim = now.Add(cfg.TrimEvery)
		if _, err := l.r.Trim(ctx); err != nil && ctx.Err() == nil {
			l.log.Warn("trim handled entries", "err", err)
		}
		if _, err := l.r.Prune(ctx, ConsumerRetention, nil); err != nil && ctx.Err() == nil {
			l.log.Warn("prune consumers", "err", err)
		}
	}
	if err := l.runDue(ctx); err != nil {
		return err
	}
	return l.read(ctx)
}

// nextWake is the earliest of the next due entry and the next janitor run.
func (l *streamLoop) nextWake() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := l.nextJanitor
	for _, e := range l.waiting {
		if e.due.Before(next) {
			next = e.due
		}
	}
	return next
}

// read reads as many entries as there are free slots (own pending ones
// first), blocking no longer than until the next due entry or janitor run.
func (l *streamLoop) read(ctx context.Context) error {
	cfg := l.w.cfg
	block := min(cfg.Block, time.Until(l.nextWake()))
	free, changed := l.w.slots.Free()
	if free == 0 {
		t := time.NewTimer(max(block, time.Millisecond))
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-changed:
		case <-t.C:
		}
		return nil
	}
	msgs, err := l.r.Read(ctx, int64(min(cfg.Batch, free)), block)
	if err != nil {
		return err
	}
	l.admit(ctx, msgs)
	return nil
}

// admit starts the handling of entries just read or reclaimed. A first
// delivery is handled at once; a redelivered entry is first checked against
// its stored state: a poison entry is dead-lettered, one whose next attempt
// is later waits for it.
func (l *streamLoop) admit(ctx context.Context, msgs []Message) {
	var again []Message
	for _, m := range msgs {
		if l.holding(m.ID) {
			continue // waiting here already: keep the one schedule
		}
		switch {
		case len(m.Values) == 0: // deleted while pending
			l.ack(ctx, m.ID, true)
		case m.Redelivered:
			again = append(again, m)
		default:
			l.dispatch(ctx, m, 1)
		}
	}
	if len(again) == 0 {
		return
	}
	ids := make([]string, len(again))
	for i, m := range again {
		ids[i] = m.ID
	}
	states, deliveries, err := l.r.Recall(ctx, ids)
	if err != nil {
		// Left pending: re-read at the next start or taken over later.
		l.log.Warn("recall redelivered entries", "err", err)
		return
	}
	now := time.Now()
	for _, m := range again {
		d, pending := deliveries[m.ID]
		if !pending {
			continue // acknowledged or taken by another consumer meanwhile
		}
		m.Retry = states[m.ID]
		switch {
		case l.w.cfg.Policy.Poisoned(d, m.Retry):
			st := m.Retry
			st.Deliveries = d
			l.deadLetter(ctx, m, st, poisonReason(d-m.Retry.Deliveries))
		case m.Retry.Next.After(now):
			l.hold(&waitEntry{msg: m, due: m.Retry.Next, touched: now, deliveries: d})
		default:
			l.dispatch(ctx, m, d)
		}
	}
}

// dispatch hands an entry to a handler goroutine once a slot is free. When
// ctx ends first the entry stays pending, for the next run.
func (l *streamLoop) dispatch(ctx context.Context, m Message, deliveries int64) {
	if !l.w.slots.Acquire(ctx) {
		return
	}
	l.w.inflight.Add(1)
	go func() {
		defer l.w.inflight.Done()
		defer l.w.slots.Release()
		l.handle(ctx, m, deliveries)
	}()
}

func (l *streamLoop) holding(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.waiting[id]
	if e != nil {
		e.touched = time.Now()
	}
	return e != nil
}

func (l *streamLoop) hold(e *waitEntry) {
	l.mu.Lock()
	l.waiting[e.msg.ID] = e
	l.mu.Unlock()
}

// runDue takes back the waiting entries whose time has come, if no other
// consumer took them meanwhile, and retries them (or their dead letter).
func (l *streamLoop) runDue(ctx context.Context) error {
	now := time.Now()
	l.mu.Lock()
	var due []*waitEntry
	for _, e := range l.waiting {
		if !e.due.After(now) {
			due = append(due, e)
		}
	}
	l.mu.Unlock()
	if len(due) == 0 {
		return nil
	}
	kept, err := l.keep(ctx, due, now)
	if err != nil {
		return err
	}
	for _, e := range due {
		if !kept[e.msg.ID] {
			continue
		}
		if e.dead != nil {
			l.writeDead(ctx, e.msg, *e.dead, e.sinkFails)
			continue
		}
		l.dispatch(ctx, e.msg, e.deliveries)
	}
	return nil
}

// keep re-claims waiting entries to this consumer (resetting their idle
// time) and forgets those another consumer took, or that are gone. The
// entries are removed from waiting; those kept are returned as a set.
func (l *streamLoop) keep(ctx context.Context, es []*waitEntry, now time.Time) (map[string]bool, error) {
	claims := make([]Claim, len(es))
	for i, e := range es {
		claims[i] = Claim{ID: e.msg.ID, Idle: now.Sub(e.touched)}
	}
	kept, err := l.r.Keep(ctx, claims)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range es {
		if l.waiting[e.msg.ID] == e {
			delete(l.waiting, e.msg.ID)
		}
		if !kept[e.msg.ID] {
			l.log.Info("waiting entry taken over or gone; dropped here", "entry", e.msg.ID)
		}
	}
	return kept, nil
}

// janitor refreshes the idle time of entries waiting here (so no janitor
// elsewhere takes them), then takes over entries idle past ReclaimIdle: their
// consumer is presumed dead.
func (l *streamLoop) janitor(ctx context.Context) error {
	cfg := l.w.cfg
	now := time.Now()
	l.mu.Lock()
	var stale []*waitEntry
	for _, e := range l.waiting {
		if now.Sub(e.touched) > cfg.ReclaimIdle/2 {
			stale = append(stale, e)
		}
	}
	l.mu.Unlock()
	if len(stale) > 0 {
		kept, err := l.keep(ctx, stale, now)
		if err != nil {
			return err
		}
		for _, e := range stale {
			if kept[e.msg.ID] {
				e.touched = now
				l.hold(e)
			}
		}
	}
	msgs, err := l.r.Reclaim(ctx, cfg.ReclaimIdle, 1000)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	l.w.n.Reclaimed(len(msgs))
	l.log.Info("took over idle entries", "count", len(msgs))
	l.admit(ctx, msgs)
	return nil
}
