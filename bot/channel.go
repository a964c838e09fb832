package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aduan-id/aduan/bot/queue"
)

// Handler takes an inbound message and commits it. An adapter acknowledges the
// message to its platform only after Handle returned nil: then the session,
// the replies and the actions are durably in Redis.
type Handler interface {
	Handle(ctx context.Context, in Inbound) (Outcome, error)
}

// Sender delivers one outbound message on a channel. It returns a *SendError
// (possibly wrapped) to tell the reply sender whether to retry.
type Sender interface {
	Send(ctx context.Context, msg Outbound) error
}

// SendError classifies a failed send, so the reply sender decides retry or
// give up without knowing the channel. It is a queue.RetryError: the reply
// sender applies the one retry policy of every queue to it.
type SendError struct {
	Err error
	// Permanent: retrying cannot help (bad request). The message is dead-lettered.
	Permanent bool
	// Unreachable: the citizen blocked the bot or is gone. The chat is marked and
	// not retried.
	Unreachable bool
	// RetryAfter is the platform's requested wait (Telegram 429 retry_after).
	RetryAfter time.Duration
}

func (e *SendError) Error() string {
	switch {
	case e.Unreachable:
		return fmt.Sprintf("chat unreachable: %v", e.Err)
	case e.Permanent:
		return fmt.Sprintf("permanent send failure: %v", e.Err)
	case e.RetryAfter > 0:
		return fmt.Sprintf("rate limited, retry after %s: %v", e.RetryAfter, e.Err)
	}
	return fmt.Sprintf("send failed: %v", e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Retryable reports whether the send may succeed later (queue.RetryError).
func (e *SendError) Retryable() bool { return !e.Permanent && !e.Unreachable }

// RetryDelay is the platform's requested wait (queue.RetryError): the
// RetryAfter field.
func (e *SendError) RetryDelay() time.Duration { return e.RetryAfter }

var _ queue.RetryError = (*SendError)(nil)

// AsSendError finds a *SendError in err's chain. An error that is not one is
// treated as retryable (a network error, a timeout).
func AsSendError(err error) (*SendError, bool) {
	var se *SendError
	if errors.As(err, &se) {
		return se, true
	}
	return nil, false
}
