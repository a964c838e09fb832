package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// trimDelivered deletes the entries of stream that group has delivered and
// that no consumer holds pending: XTRIM MINID with the smaller of the oldest
// pending id and the id after the last delivered one. Entries not yet
// delivered and entries still pending are never trimmed. It returns how many
// entries went.
func trimDelivered(ctx context.Context, rdb redis.UniversalClient, stream, group string) (int64, error) {
	groups, err := rdb.XInfoGroups(ctx, stream).Result()
	if err != nil {
		return 0, fmt.Errorf("trim %s: group info: %w", stream, err)
	}
	var last string
	for _, g := range groups {
		if g.Name == group {
			last = g.LastDeliveredID
		}
	}
	if last == "" || last == "0" || last == "0-0" { // miniredis says "0" for an untouched group
		return 0, nil
	}
	minID, err := streamNextID(last)
	if err != nil {
		return 0, fmt.Errorf("trim %s: %w", stream, err)
	}
	pend, err := rdb.XPending(ctx, stream, group).Result()
	if err != nil {
		return 0, fmt.Errorf("trim %s: pending: %w", stream, err)
	}
	if pend.Count > 0 && streamLessID(pend.Lower, minID) {
		minID = pend.Lower
	}
	n, err := rdb.XTrimMinID(ctx, stream, minID).Result()
	if err != nil {
		return 0, fmt.Errorf("trim %s: %w", stream, err)
	}
	return n, nil
}

// streamNextID is the smallest stream id greater than id ("5-3" -> "5-4").
func streamNextID(id string) (string, error) {
	ms, seq, err := streamSplitID(id)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(ms, 10) + "-" + strconv.FormatUint(seq+1, 10), nil
}

// streamLessID compares stream ids numerically; malformed ids compare as equal.
func streamLessID(a, b string) bool {
	am, as, err1 := streamSplitID(a)
	bm, bs, err2 := streamSplitID(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return am < bm || (am == bm && as < bs)
}

func streamSplitID(id string) (ms, seq uint64, err error) {
	a, b, ok := strings.Cut(id, "-")
	if !ok {
		return 0, 0, fmt.Errorf("bad stream id %q", id)
	}
	if ms, err = strconv.ParseUint(a, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("bad stream id %q", id)
	}
	if seq, err = strconv.ParseUint(b, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("bad stream id %q", id)
	}
	return ms, seq, nil
}

// consumerRetention is how long a consumer with nothing pending may stay
// silent before it is removed from a group (each process run has its own
// consumer name, so dead names would pile up).
const consumerRetention = 24 * time.Hour

// pruneConsumers deletes the group's consumers other than self that have
// nothing pending and were not seen for longer than idle. A consumer with
// pending entries is never deleted (that would drop its entries).
func pruneConsumers(ctx context.Context, rdb redis.UniversalClient, stream, group, self string, idle time.Duration) (int, error) {
	cs, err := rdb.XInfoConsumers(ctx, stream, group).Result()
	if err != nil {
		return 0, fmt.Errorf("prune consumers of %s: %w", stream, err)
	}
	n := 0
	for _, c := range cs {
		if c.Name == self || c.Pending > 0 || c.Idle <= idle {
			continue
		}
		if err := rdb.XGroupDelConsumer(ctx, stream, group, c.Name).Err(); err != nil {
			return n, fmt.Errorf("prune consumer of %s: %w", stream, err)
		}
		n++
	}
	return n, nil
}
