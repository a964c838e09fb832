package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aduan-id/aduan/bot"
)

// onceTTL bounds how long a "told once" marker is kept.
const onceTTL = 30 * 24 * time.Hour

// msg renders a text of flows/defaults/api.yaml.
func (s *Service) msg(lang, key string, vars map[string]string) string {
	if s.texts == nil {
		return key
	}
	return s.texts.Message(lang, key, vars)
}

// vars adds the report's number and title to vars.
func (s *Service) vars(r *Report, vars map[string]string) map[string]string {
	out := map[string]string{"number": r.Number, "title": r.Title}
	for k, v := range vars {
		out[k] = v
	}
	return out
}

func (s *Service) statusLabel(lang string, st Status) string {
	return s.msg(lang, "status_"+string(st), nil)
}

// noteLine renders an optional note as its own line ("" when empty).
func noteLine(s *Service, lang, note string) string {
	if note == "" {
		return ""
	}
	return s.msg(lang, "note_line", map[string]string{"note": note})
}

// tell renders key for the report's citizen and queues it as a notice.
func (s *Service) tell(ctx context.Context, r *Report, key string, vars map[string]string) error {
	if r.Channel == "" {
		return nil
	}
	return s.notify(ctx, r, s.msg(r.Lang, key, s.vars(r, vars)))
}

// notify queues text to the report's citizen.
func (s *Service) notify(ctx context.Context, r *Report, text string) error {
	if r.Channel == "" || s.notifier == nil {
		return nil
	}
	out := bot.Outbound{Channel: r.Channel, ChatID: r.ChatID, Lang: r.Lang, Text: text, Notice: true}
	if err := s.notifier.Notify(ctx, out); err != nil {
		return fmt.Errorf("notify citizen of %s: %w", r.Number, err)
	}
	return nil
}

// once runs fn at most once per marker: a SET NX guard taken before fn and
// released when fn fails, so a redelivered action or entry does not tell the
// citizen twice. (A crash between the guard and fn loses that one notice:
// for notices, once is better than twice.)
func (s *Service) once(ctx context.Context, marker string, fn func() error) error {
	ok, err := s.rdb.SetNX(ctx, s.k.once(marker), 1, onceTTL).Result()
	if err != nil {
		return fmt.Errorf("once %s: %w", marker, err)
	}
	if !ok {
		return nil
	}
	if err := fn(); err != nil {
		if derr := s.rdb.Del(context.WithoutCancel(ctx), s.k.once(marker)).Err(); derr != nil {
			err = errors.Join(err, fmt.Errorf("release once %s: %w", marker, derr))
		}
		return err
	}
	return nil
}
