package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aduan-id/aduan/api"
	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/queue"
)

// deadLetters turns dead letters into alerts, once per (stream, entry): the
// sink wrapper (at once, for the messaging core's queues) and the Watcher
// (for the complaint side's forward and webhook queues, whose sink is inside
// api) share it and its once-ids.
type deadLetters struct {
	n   *Notifier
	dir Directory
	// agencyOf finds a report's agency when the dead letter does not carry
	// it (nil: supervisors only).
	agencyOf func(ctx context.Context, number string) (string, error)
	log      *slog.Logger
}

// deadLetterAlertID is the once-id of a dead letter's alert.
func deadLetterAlertID(d api.DeadLetter) string {
	return "dl:" + queue.DeadLetterID(d.Stream, d.Entry)
}

// alert queues the alert of d unless it is the dead letter of a message to
// an admin's linked chat (an alert itself: alerting about it would go to the
// same chat and fail again, every minute).
func (s *deadLetters) alert(ctx context.Context, d api.DeadLetter) error {
	if d.Kind == api.DeadReply {
		var msg bot.Outbound
		if json.Unmarshal([]byte(d.Payload[bot.FieldOutbound]), &msg) == nil && msg.ChatID != "" {
			rs, err := s.dir.Recipients(ctx)
			if err != nil {
				return fmt.Errorf("alert dead letter: recipients: %w", err)
			}
			if isAdminChat(rs, msg.Channel, msg.ChatID) {
				s.log.Warn("alerts: a message to an admin's linked chat was dead-lettered; not alerted again",
					"dead_letter", queue.DeadLetterID(d.Stream, d.Entry))
				return nil
			}
		}
	}
	a := Alert{ID: deadLetterAlertID(d), Kind: KindDeadLetter, Agency: d.Agency, Number: d.Number,
		Text: both("queue." + d.Kind), At: d.LastAt}
	if d.Kind == api.DeadForward {
		a.Kind, a.Text = KindNotFiled, ""
	}
	if a.Agency == "" && a.Number != "" && s.agencyOf != nil {
		agency, err := s.agencyOf(ctx, a.Number)
		if err != nil {
			return fmt.Errorf("alert dead letter: agency of %s: %w", a.Number, err)
		}
		a.Agency = agency
	}
	if _, err := s.n.Alert(ctx, a); err != nil {
		return fmt.Errorf("alert dead letter: %w", err)
	}
	return nil
}

// SinkConfig configures WrapSink.
type SinkConfig struct {
	Notifier  *Notifier
	Directory Directory
	// AgencyOf finds a report's agency (the store fills it only in its own
	// copy of the dead letter); nil: alerts without an agency go to
	// supervisors only.
	AgencyOf func(ctx context.Context, number string) (string, error)
	Log      *slog.Logger
}

// WrapSink returns a dead-letter sink that records d in next and then
// alerts, once per (Stream, Entry) however often it is called. An alert that
// could not be queued fails the call, so the queue writes the dead letter
// again later (next is idempotent) and the alert is not lost.
func WrapSink(next queue.DeadLetterSink, cfg SinkConfig) queue.DeadLetterSink {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &sink{next: next, dl: &deadLetters{n: cfg.Notifier, dir: cfg.Directory, agencyOf: cfg.AgencyOf, log: log}}
}

type sink struct {
	next queue.DeadLetterSink
	dl   *deadLetters
}

// AddDeadLetter implements queue.DeadLetterSink.
func (s *sink) AddDeadLetter(ctx context.Context, d queue.DeadLetter) error {
	if err := s.next.AddDeadLetter(ctx, d); err != nil {
		return err
	}
	return s.dl.alert(ctx, d)
}
