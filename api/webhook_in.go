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
)

// maxWebhookBody limits an inbound webhook body.
const maxWebhookBody = 64 << 10

// InboundEvent is what an external back office posts to /webhooks/reports.
type InboundEvent struct {
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
func RegisterWebhooks(r Router, svc *Service, secret string) {
	r.POST("/webhooks/reports", func(c echo.Context) error {
		if err := svc.handleWebhook(c, secret); err != nil {
			if HTTPStatus(err) == http.StatusInternalServerError {
				svc.log.Error("inbound webhook", "err", err)
			} else {
				svc.log.Info("inbound webhook refused", "status", HTTPStatus(err), "err", err)
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
	if err := Verify(secret, req.Header.Get(HeaderTimestamp), req.Header.Get(HeaderSignature), body, time.Now()); err != nil {
		return err
	}
	var ev InboundEvent
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&ev); err != nil {
		return fmt.Errorf("malformed JSON: %w", ErrInvalid)
	}
	if err := ev.validate(); err != nil {
		return err
	}
	return s.ApplyEvent(req.Context(), ev)
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
