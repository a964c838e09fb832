package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Handled entries are trimmed, not deleted one by one: every TrimEvery a
// reader runs XTRIM MINID with the smallest id some group still needs (its
// oldest pending entry, or the entry after the last one it was given). One
// command a minute instead of an XDEL per entry; a window of handled entries
// stays readable for a while (tests and people debugging read it); and
// every group of the stream is respected. Entries pending or not yet
// delivered are never trimmed. Retry states of entries below that id (left
// by an entry acknowledged by hand, or a group recreated) go too.

// Trim deletes the entries every group of the stream is done with and
// returns how many went.
func (r *Reader) Trim(ctx context.Context) (int64, error) {
	minID, err := r.trimPoint(ctx)
	if err != nil || minID == "" {
		return 0, err
	}
	n, err := r.rdb.XTrimMinID(ctx, r.stream, minID).Result()
	if err != nil {
		return 0, fmt.Errorf("trim %s: %w", r.stream, err)
	}
	if err := r.sweepStates(ctx, minID); err != nil {
		return n, err
	}
	return n, nil
}

// trimPoint is the smallest id a group of the stream still needs; "" when
// some group has been given nothing yet.
func (r *Reader) trimPoint(ctx context.Context) (string, error) {
	groups, err := r.rdb.XInfoGroups(ctx, r.stream).Result()
	if err != nil {
		return "", fmt.Errorf("trim %s: group info: %w", r.stream, err)
	}
	minID := ""
	for _, g := range groups {
		last := g.LastDeliveredID
		if last == "" || last == "0" || last == "0-0" { // miniredis says "0" for an untouched group
			return "", nil
		}
		need, err := NextID(last)
		if err != nil {
			return "", fmt.Errorf("trim %s: %w", r.stream, err)
		}
		pend, err := r.rdb.XPending(ctx, r.stream, g.Name).Result()
		if err != nil {
			return "", fmt.Errorf("trim %s: pending of %s: %w", r.stream, g.Name, err)
		}
		if pend.Count > 0 && LessID(pend.Lower, need) {
			need = pend.Lower
		}
		if minID == "" || LessID(need, minID) {
			minID = need
		}
	}
	return minID, nil
}

// sweepStates deletes the retry states of entries below minID: none of them
// is pending any more.
func (r *Reader) sweepStates(ctx context.Context, minID string) error {
	key := RetryKey(r.stream, r.group)
	ids, err := r.rdb.HKeys(ctx, key).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("sweep retry states of %s: %w", r.stream, err)
	}
	var stale []string
	for _, id := range ids {
		if LessID(id, minID) {
			stale = append(stale, id)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	if err := r.rdb.HDel(ctx, key, stale...).Err(); err != nil {
		return fmt.Errorf("sweep retry states of %s: %w", r.stream, err)
	}
	return nil
}

// ConsumerRetention is how long a consumer with nothing pending may stay
// silent before Prune removes it (each process run has its own consumer
// name, so dead names would pile up).
const ConsumerRetention = 24 * time.Hour

// Prune deletes the group's consumers, other than this reader's and those
// keep names, that have nothing pending and were silent for longer than
// idle. A consumer with pending entries is never deleted (that would drop
// its entries); keep must name every consumer that others move entries to
// (XCLAIM), since one could get an entry between the check and the delete.
func (r *Reader) Prune(ctx context.Context, idle time.Duration, keep func(name string) bool) (int, error) {
	cs, err := r.rdb.XInfoConsumers(ctx, r.stream, r.group).Result()
	if err != nil {
		return 0, fmt.Errorf("prune consumers of %s: %w", r.stream, err)
	}
	n := 0
	for _, c := range cs {
		if c.Name == r.consumer || c.Pending > 0 || c.Idle <= idle || (keep != nil && keep(c.Name)) {
			continue
		}
		if err := r.rdb.XGroupDelConsumer(ctx, r.stream, r.group, c.Name).Err(); err != nil {
			return n, fmt.Errorf("prune consumer of %s: %w", r.stream, err)
		}
		n++
	}
	return n, nil
}
