package api

import (
	"context"
	"errors"
	"time"
)

// ReportStore is the record of the complaint side: reports with their
// timelines, the outbox of the work a change causes, Open311 idempotency keys
// and dead letters. It is a relational database (api/sqlstore: PostgreSQL in
// production, SQLite as the embedded default); conversation state stays in
// Redis. Every read is an indexed query: nothing loads all reports.
//
// Writes that change a report and the work that change causes (a notice to
// the citizen, a forward, a webhook) commit in one transaction: the Effects
// are rows of the outbox table, moved to Redis by the Relay.
type ReportStore interface {
	// Create inserts r, its timeline and effects in one transaction. When a
	// report with r.Number exists, nothing is written and created is false
	// (a redelivered submit action inserts once).
	Create(ctx context.Context, r *Report, effects []Effect) (created bool, err error)
	// CreateIdempotent is Create guarded by an Open311 Idempotency-Key (its
	// hash): when the key was used before, nothing is written and the number
	// created then is returned. Otherwise it returns r.Number.
	CreateIdempotent(ctx context.Context, key string, r *Report, effects []Effect) (number string, err error)
	// Update loads the report with its timeline under a write lock, calls fn
	// and writes back, in one transaction: the report's fields, the events
	// fn appended to r.Timeline (existing events are never rewritten) and the
	// effects fn returned. UpdatedAt is set by the store. fn returning
	// ErrNoChange ends without writing: Update returns the report as loaded
	// and nil. ErrNotFound when there is no such report.
	Update(ctx context.Context, number string, fn func(r *Report) ([]Effect, error)) (*Report, error)

	// Get returns the report with its whole timeline (oldest first).
	Get(ctx context.Context, number string) (*Report, error)
	// GetByExternalID finds a report by the service_request_id an external
	// complaint API gave it.
	GetByExternalID(ctx context.Context, id string) (*Report, error)
	// List is one page of the console's inbox. Items carry no Timeline.
	List(ctx context.Context, f Filter) (*ListResult, error)
	// Export calls fn for every report matching f (ignoring its paging), in
	// the order of f.Sort, streaming: memory does not grow with the count.
	// Items carry no Timeline; Additions holds the citizen's additions.
	Export(ctx context.Context, f Filter, fn func(r *Report) error) error
	// Public is one page of the public Open311 list: never a rahasia report,
	// newest first. Each report's Timeline holds only its admins' replies.
	Public(ctx context.Context, q PublicQuery) ([]*Report, error)
	// Stats are the dashboard's aggregates, computed by the database.
	Stats(ctx context.Context, q StatsQuery) (*Stats, error)
	// ByChat lists the newest reports filed from one chat (no Timeline).
	ByChat(ctx context.Context, channel, chatID string, limit int) ([]*Report, error)
	// OpenExternal pages through open reports filed with an external server
	// (External true), by number, after the given number (no Timeline).
	OpenExternal(ctx context.Context, afterNumber string, limit int) ([]*Report, error)

	// SetDelivery records what became of the message an event sent to the
	// citizen (Get returns it on the event). ErrNotFound for no such report.
	SetDelivery(ctx context.Context, number, eventID string, d Delivery) error

	// Outbox returns up to limit pending effects, oldest first.
	Outbox(ctx context.Context, limit int) ([]OutboxEntry, error)
	// OutboxDone removes relayed effects.
	OutboxDone(ctx context.Context, seqs ...int64) error

	// AddDeadLetter records d; a second call for the same (Stream, Entry)
	// updates that dead letter instead of adding another. d.ID is set by the
	// store when empty.
	AddDeadLetter(ctx context.Context, d DeadLetter) error
	// DeadLetters lists unresolved dead letters, newest first.
	DeadLetters(ctx context.Context, q DeadLetterQuery) (*DeadLetterPage, error)
	// DeadLetter returns one (ErrNotFound when missing or resolved).
	DeadLetter(ctx context.Context, id string) (DeadLetter, error)
	// ResolveDeadLetter marks it handled ("retried" or "discarded") by actor
	// with a reason; it leaves the list. ErrNotFound when already resolved.
	ResolveDeadLetter(ctx context.Context, id, how, actor, reason string) error

	// Ping checks the database answers (for /readyz).
	Ping(ctx context.Context) error
}

// ErrNoChange, returned by an Update func, ends the update without writing:
// the change was already made (a redelivered action) or is not needed.
var ErrNoChange = errors.New("no change")

// errNoChange is the package's old name of ErrNoChange.
var errNoChange = ErrNoChange

// Effect kinds: what the Relay does with an outbox row.
const (
	// EffectNotice queues a bot.Outbound (JSON) to the citizen's chat.
	EffectNotice = "notice"
	// EffectStartFlow starts a flow in the citizen's conversation (JSON
	// FlowStart).
	EffectStartFlow = "start_flow"
	// EffectForward queues the report for the forwarder (JSON {"number"}).
	EffectForward = "forward"
	// EffectWebhook queues one outbound webhook (JSON {"url","event_id",
	// "number","body"}).
	EffectWebhook = "webhook"
)

// Effect is work a report change causes, committed with it as an outbox row
// and done at least once by the Relay. ID is unique per piece of work: the
// relay's dedup key, so a relay crash between doing it and deleting the row
// never does it twice.
type Effect struct {
	ID      string
	Kind    string
	Number  string // the report it belongs to
	Payload []byte // JSON, by Kind
}

// OutboxEntry is a pending effect.
type OutboxEntry struct {
	Seq       int64 // ascending in commit order (mostly)
	CreatedAt time.Time
	Effect
}

// StatsQuery selects what the dashboard counts. Zero values mean "any".
type StatsQuery struct {
	Agency   string    // an agency admin's scope
	From, To time.Time // creation time range
	// Overdue cut-offs, computed by the caller from its working-day calendar
	// (a deadline only grows with its start, so "overdue" is "started before
	// the cut-off"): a received report created before VerifyBefore; an open,
	// never answered report created before RespondBefore; an answered open
	// report whose citizen has been waiting since before RespondBefore.
	VerifyBefore, RespondBefore time.Time
	// Location is the zone of PerDay's days (default Asia/Jakarta).
	Location *time.Location
}

// Stats are the dashboard's aggregates.
type Stats struct {
	Total, Open, Overdue int
	ByStatus             map[Status]int
	ByCategory           map[string]int
	ByKecamatan          map[string]int // "" for reports without one
	ByAgency             map[string]int
	// Responded counts reports with a first response; MedianResponse is the
	// median of (FirstResponseAt - CreatedAt) over them.
	Responded      int
	MedianResponse time.Duration
	// PerDay counts reports by creation day (in Location), oldest first, only
	// days with reports.
	PerDay []DayCount
	// AsOf is when the figures were computed (Service.Stats shares them for
	// a minute); set by the service, not the store.
	AsOf time.Time
}

// DayCount is the number of reports created on one day.
type DayCount struct {
	Day string // YYYY-MM-DD
	N   int
}

// DeadLetterQuery selects dead letters. Zero values mean "any".
type DeadLetterQuery struct {
	Kind   string
	Agency string // an agency admin's scope: only dead letters of its reports
	Page   int    // 1-based
	Size   int    // default 50, at most 200
}

// DeadLetterPage is one page of dead letters.
type DeadLetterPage struct {
	Items []DeadLetter
	Total int
}
