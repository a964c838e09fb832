package api

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/aduan-id/aduan/bot/queue"
)

// What the external tests (package api_test, which may import api/sqlstore)
// need to see of the package's insides.

func (s *Service) RDB() redis.UniversalClient { return s.rdb }
func (s *Service) FwdStream() string          { return s.k.fwdStream() }
func (s *Service) HookStream() string         { return s.k.hookStream() }

func (s *Service) MarkForwarded(ctx context.Context, number, id string, external bool) (*Report, error) {
	return s.markForwarded(ctx, number, id, external, false)
}

const GroupForwarders = groupForwarders

var ForwardForm = forwardForm

// Handle is one delivery attempt of a forward entry.
func (f *Forwarder) Handle(ctx context.Context, m redis.XMessage) error {
	vals := map[string]string{}
	for k, v := range m.Values {
		vals[k], _ = v.(string)
	}
	return f.handle(ctx, queue.Message{Stream: f.svc.k.fwdStream(), ID: m.ID, Values: vals})
}

// ReadNew reads new forward entries as the consumer "ghost", without
// handling them (a process that dies holding them).
func (f *Forwarder) ReadNew(ctx context.Context) ([]redis.XMessage, error) {
	stream := f.svc.k.fwdStream()
	if err := queue.EnsureGroup(ctx, f.svc.rdb, stream, groupForwarders); err != nil {
		return nil, err
	}
	res, err := f.svc.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: groupForwarders, Consumer: "ghost",
		Streams: []string{stream, ">"}, Count: 10, Block: -1}).Result()
	if err != nil {
		return nil, err
	}
	return res[0].Messages, nil
}

// SetBatch sets how many reports one poll asks about at once.
func (p *Poller) SetBatch(n int) { p.batch = n }

const MaxWebhookBody = maxWebhookBody

const MaxOpen311Body = maxOpen311Body

var (
	EnvID          = envID
	SplitList      = splitList
	FitDescription = fitDescription
)
