package queue

import (
	"errors"
	"time"
)

// RetryError is how an error tells a worker whether and when to try again.
// Workers look for it with errors.As anywhere in the error's chain (a wrapped
// error keeps its verdict); an error without one is transient: a network
// error, a timeout, a 5xx.
//
// The delay method is RetryDelay, not RetryAfter: bot.SendError carries a
// RetryAfter field that the channel adapters set, and a Go type cannot have a
// field and a method of one name.
type RetryError interface {
	// Retryable is false when trying again cannot help (a 400, a refused
	// entry): the entry is dead-lettered at once.
	Retryable() bool
	// RetryDelay, when positive, is the wait the far side asked for (a 429's
	// Retry-After). Such an answer never counts toward giving up.
	RetryDelay() time.Duration
}

// retryError is the RetryError of Permanent and After.
type retryError struct {
	err       error
	retryable bool
	delay     time.Duration
}

func (e *retryError) Error() string             { return e.err.Error() }
func (e *retryError) Unwrap() error             { return e.err }
func (e *retryError) Retryable() bool           { return e.retryable }
func (e *retryError) RetryDelay() time.Duration { return e.delay }

// Permanent marks err as one that retrying cannot fix (nil stays nil).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &retryError{err: err}
}

// After marks err as a request to wait d before the next attempt, e.g. a 429
// with Retry-After (nil stays nil). Such waits never count toward giving up;
// a d of zero or less makes err an ordinary transient error.
func After(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryError{err: err, retryable: true, delay: max(d, 0)}
}

// Classify reads err's verdict: permanent, or the wait it asks for (0: an
// ordinary transient error, backed off by the policy).
func Classify(err error) (permanent bool, delay time.Duration) {
	var re RetryError
	if !errors.As(err, &re) {
		return false, 0
	}
	if !re.Retryable() {
		return true, 0
	}
	return false, max(re.RetryDelay(), 0)
}
