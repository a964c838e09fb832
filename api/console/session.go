package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// errNoSession is returned for a missing, expired or unknown session.
var errNoSession = errors.New("console: no session")

// sessions keeps login sessions in Redis. The cookie holds a random token;
// Redis stores only its SHA-256, so a dump of Redis does not hand out live
// sessions. A session expires after the idle timeout (refreshed on every
// request) and at the latest MaxSessionAge after login.
type sessions struct {
	rdb    redis.UniversalClient
	prefix string
	idle   time.Duration
	maxAge time.Duration
	now    func() time.Time
}

type session struct {
	Email   string
	Created time.Time
}

func (s *sessions) key(token string) string {
	sum := sha256.Sum256([]byte(token))
	return s.prefix + ":console:sess:" + hex.EncodeToString(sum[:])
}

// create starts a session and returns its token.
func (s *sessions) create(ctx context.Context, email string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	k := s.key(token)
	pipe := s.rdb.TxPipeline()
	pipe.HSet(ctx, k, "email", email, "created", strconv.FormatInt(s.now().Unix(), 10))
	pipe.Expire(ctx, k, s.idle)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// touch loads a session and slides its idle timeout.
func (s *sessions) touch(ctx context.Context, token string) (session, error) {
	if len(token) != 64 {
		return session{}, errNoSession
	}
	k := s.key(token)
	pipe := s.rdb.Pipeline()
	get := pipe.HGetAll(ctx, k)
	pipe.Expire(ctx, k, s.idle) // no-op on a missing key
	if _, err := pipe.Exec(ctx); err != nil {
		return session{}, fmt.Errorf("load session: %w", err)
	}
	m := get.Val()
	if m["email"] == "" {
		return session{}, errNoSession
	}
	unix, _ := strconv.ParseInt(m["created"], 10, 64)
	created := time.Unix(unix, 0)
	if s.now().Sub(created) > s.maxAge {
		_ = s.rdb.Del(ctx, k).Err()
		return session{}, errNoSession
	}
	return session{Email: m["email"], Created: created}, nil
}

// destroy ends a session (logout).
func (s *sessions) destroy(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := s.rdb.Del(ctx, s.key(token)).Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
