package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"
)

// maxWebhookBody limits an inbound webhook body.
const maxWebhookBody = 64 << 10

// InboundEvent is what an external back office posts to /webhooks/reports.
type InboundEvent struct {
	// EventID makes the event idempotent. Optional in a Standard-Webhooks-
	// signed request, where it defaults to the webhook-id.
	EventID          string `json:"event_id"`
	Type             string `json:"type"` // reply | status | question
	ServiceRequestID string `json:"service_request_id,omitempty"`
	TrackingNumber   string `json:"tracking_number,omitempty"`
	Text             string `json:"text,omitempty"`   // reply, question
	Status           string `json:"status,omitempty"` // our vocabulary or a LAPOR! word
	Note             string `json:"note,omitempty"`   // status: note for the citizen
}

// RegisterWebhooks mounts POST /webhooks/reports: signed events from an
// external back office (replies, status changes, questions to the citizen).
// A request with a webhook-signature header is verified as Standard Webhooks
// 1.0 (and its webhook-id processed once); any other as the legacy
// X-Aduan-Timestamp / X-Aduan-Signature.
func RegisterWebhooks(r Router, svc *Service, secret string) {
	r.POST("/webhooks/reports", func(c echo.Context) error {
		if err := svc.handleWebhook(c, secret); err != nil {
			if HTTPStatus(err) == http.StatusInternalServerError {
				svc.log.ErrorContext(c.Request().Context(), "inbound webhook", "err", err)
			} else {
				svc.log.InfoContext(c.Request().Context(), "inbound webhook refused", "status", HTTPStatus(err), "err", err)
			}
			return writeJSONError(c, err)
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
}

func (s *Service) handleWebhook(c echo.Context, secret string) error {
	req := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, maxWebhookBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return ErrTooLarge
		}
		return fmt.Errorf("read body: %w", ErrInvalid)
	}
	var msgID string // the Standard Webhooks webhook-id; "" for a legacy request
	if IsStandardSigned(req.Header) {
		if msgID, err = VerifyStandard(secret, req.Header, body, time.Now()); err != nil {
			return err
		}
	} else if err := Verify(secret, req.Header.Get(HeaderTimestamp), req.Header.Get(HeaderSignature), body, time.Now()); err != nil {
		return err
	}
	var ev InboundEvent
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&ev); err != nil {
		return fmt.Errorf("malformed JSON: %w", ErrInvalid)
	}
	if strings.TrimSpace(ev.EventID) == "" {
		ev.EventID = msgID
	}
	if err := ev.validate(); err != nil {
		return err
	}
	if msgID == "" {
		return s.ApplyEvent(req.Context(), ev)
	}
	return s.applyOnce(req.Context(), msgID, ev)
}

// How long a processed webhook-id is remembered (the sender's retries span
// days), and how long one delivery may hold it while it is applied.
const (
	webhookIDSeenTTL  = 7 * 24 * time.Hour
	webhookIDClaimTTL = time.Minute
)

// hookIn marks an inbound webhook-id: "pending" while a delivery applies
// it, "done" after.
func (k keys) hookIn(msgID string) string { return k.base + "whin:" + shortHash(msgID) }

// applyOnce applies a Standard-Webhooks-signed event at most once per
// webhook-id (replay protection, and the receiver's side of the sender's
// at-least-once retries): an id already applied answers success and changes
// nothing; one being applied by a concurrent delivery is a conflict the
// sender retries; a failed one is released for the retry. The event id
// guards the report itself as for a legacy request.
func (s *Service) applyOnce(ctx context.Context, msgID string, ev InboundEvent) error {
	key := s.k.hookIn(msgID)
	claimed, err := s.rdb.SetNX(ctx, key, "pending", webhookIDClaimTTL).Result()
	if err != nil {
		return fmt.Errorf("webhook-id guard: %w", err)
	}
	if !claimed {
		state, err := s.rdb.Get(ctx, key).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("webhook-id guard: %w", err)
		}
		if state == "done" {
			s.log.Info("inbound webhook: webhook-id already processed; ignored", "type", ev.Type)
			return nil
		}
		return fmt.Errorf("this webhook-id is being processed; retry later: %w", ErrConflict)
	}
	bg := context.WithoutCancel(ctx)
	if err := s.ApplyEvent(ctx, ev); err != nil {
		if derr := s.rdb.Del(bg, key).Err(); derr != nil {
			s.log.Warn("inbound webhook: release webhook-id", "err", derr)
		}
		return err
	}
	if err := s.rdb.Set(bg, key, "done", webhookIDSeenTTL).Err(); err != nil {
		// Applied; a replay is still caught by the event id on the report.
		s.log.Warn("inbound webhook: remember webhook-id", "err", err)
	}
	return nil
}

func (ev *InboundEvent) validate() error {
	ev.EventID = strings.TrimSpace(ev.EventID)
	switch {
	case ev.EventID == "" || len(ev.EventID) > 200:
		return fmt.Errorf("event_id is required (at most 200 characters): %w", ErrInvalid)
	case ev.TrackingNumber == "" && ev.ServiceRequestID == "":
		return fmt.Errorf("tracking_number or service_request_id is required: %w", ErrInvalid)
	}
	switch ev.Type {
	case "reply", "question":
		if strings.TrimSpace(ev.Text) == "" {
			return fmt.Errorf("text is required for %s: %w", ev.Type, ErrInvalid)
		}
	case "status":
		if _, ok := ParseStatus(ev.Status); !ok {
			return fmt.Errorf("unknown status %q: %w", ev.Status, ErrInvalid)
		}
	default:
		return fmt.Errorf("type must be reply, status or question: %w", ErrInvalid)
	}
	return nil
}

// ApplyEvent applies an external event once per event id (a replay is a
// no-op that succeeds): the event id becomes the timeline event's id, checked
// and written in the report's transaction.
func (s *Service) ApplyEvent(ctx context.Context, ev InboundEvent) error {
	id := ev.TrackingNumber
	if strings.TrimSpace(id) == "" {
		id = ev.ServiceRequestID
	}
	r, err := s.byAnyID(ctx, id)
	if err != nil {
		return err
	}
	eventID := "wh:" + shortHash(ev.EventID)
	switch ev.Type {
	case "reply":
		err = s.adminReply(ctx, r.Number, ActorWebhook, ev.Text, eventID)
	case "question":
		err = s.askCitizen(ctx, r.Number, ActorWebhook, ev.Text, eventID)
	case "status":
		st, _ := ParseStatus(ev.Status)
		_, err = s.changeStatus(ctx, r.Number, ActorWebhook, st, ev.Note, eventID)
	}
	if err != nil {
		return fmt.Errorf("webhook %s: %w", ev.Type, err)
	}
	return nil
}
