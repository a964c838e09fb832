package console

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Audit actions.
const (
	AuditLogin        = "login"
	AuditLoginFailed  = "login_failed"
	AuditLoginBlocked = "login_blocked"
	AuditLogout       = "logout"
	AuditView         = "view"
	AuditReveal       = "reveal_pii"
	AuditPhoto        = "view_photo"
	AuditReply        = "reply"
	AuditAsk          = "ask"
	AuditStatus       = "status"
	AuditNote         = "note"
	AuditReassign     = "reassign"
	AuditRetry        = "retry_dead_letter"
	AuditDiscard      = "discard_dead_letter"
	AuditExport       = "export_csv"
	AuditDenied       = "denied"
)

// AuditEntry is one line of the audit log: who did what to which report,
// when, from where. Detail never holds personal data or report text (a new
// status, a target agency, a field name).
type AuditEntry struct {
	ID     string
	At     time.Time
	Actor  string // account email (for a failed login: the email tried)
	Action string
	Target string // tracking number, or ""
	Detail string
	IP     string
}

// auditLog is a Redis stream capped by time: each append trims entries older
// than the retention (XADD MINID ~), so "what leaked, when, whose" can be
// answered for the whole retention period and no longer.
type auditLog struct {
	rdb       redis.UniversalClient
	key       string
	retention time.Duration
	now       func() time.Time
}

func (a *auditLog) add(ctx context.Context, e AuditEntry) error {
	now := a.now()
	minID := strconv.FormatInt(now.Add(-a.retention).UnixMilli(), 10)
	err := a.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: a.key,
		MinID:  minID, // exact: the log is small, and "kept N days" must mean N days
		Values: []string{"actor", e.Actor, "action", e.Action, "target", e.Target, "detail", e.Detail, "ip", e.IP},
	}).Err()
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// list returns up to n entries, newest first, older than before (a stream id;
// "" for the newest), filtered by actor, action and target when set. It
// returns the id to continue from ("" at the end).
func (a *auditLog) list(ctx context.Context, before string, n int, actor, action, target string) ([]AuditEntry, string, error) {
	end := "+"
	if before != "" {
		end = "(" + before
	}
	var out []AuditEntry
	for len(out) < n {
		msgs, err := a.rdb.XRevRangeN(ctx, a.key, end, "-", 500).Result()
		if err != nil {
			return nil, "", fmt.Errorf("read audit log: %w", err)
		}
		for _, m := range msgs {
			end = "(" + m.ID
			e := auditFromMessage(m)
			if (actor != "" && e.Actor != actor) || (action != "" && e.Action != action) || (target != "" && e.Target != target) {
				continue
			}
			out = append(out, e)
			if len(out) == n {
				return out, m.ID, nil
			}
		}
		if len(msgs) < 500 {
			return out, "", nil
		}
	}
	return out, "", nil
}

func auditFromMessage(m redis.XMessage) AuditEntry {
	s := func(k string) string { v, _ := m.Values[k].(string); return v }
	e := AuditEntry{ID: m.ID, Actor: s("actor"), Action: s("action"), Target: s("target"), Detail: s("detail"), IP: s("ip")}
	if ms, _, ok := strings.Cut(m.ID, "-"); ok {
		n, _ := strconv.ParseInt(ms, 10, 64)
		e.At = time.UnixMilli(n)
	}
	return e
}
