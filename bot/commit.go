package bot

import (
	"github.com/redis/go-redis/v9"
)

// commitScript is the one round trip that makes a processed message durable:
// compare-and-set the session on its version, mark the message id seen,
// reserve the tracking number of a submitted report, append the replies to the
// shard's outbound stream and the actions to its action stream, and clear the
// chat's unreachable mark (a citizen who writes again can be answered), and
// renew the chat's contact mark (it wrote to us, so it may be answered). All
// keys share the conversation's hash tag, so this is atomic on Redis Cluster
// too.
//
// KEYS: 1 session, 2 seen, 3 outbound stream, 4 action stream, 5 tracking
// reservation, 6 unreachable mark, 7 contact mark.
// ARGV: 1 expected version, 2 new session value, 3 session TTL ms, 4 seen TTL
// ms, 5 "1" to reserve the tracking number, 6 reservation value, 7 contact
// TTL ms ("0": not a message of the citizen, e.g. a flow started by an
// admin), 8 reply count n, then n replies, then the actions.
// Returns 1 committed, 0 version conflict, 2 already seen, 3 tracking number
// taken.
var commitScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
local cur = redis.call('GET', KEYS[1])
local v = 0
if cur then v = tonumber(string.match(cur, '^(%d+):')) or 0 end
if v ~= tonumber(ARGV[1]) then return 0 end
if ARGV[5] == '1' then
  if not redis.call('SET', KEYS[5], ARGV[6], 'NX') then return 3 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
local n = tonumber(ARGV[8])
for i = 9, 8 + n do redis.call('XADD', KEYS[3], '*', 'm', ARGV[i]) end
for i = 9 + n, #ARGV do redis.call('XADD', KEYS[4], '*', 'a', ARGV[i]) end
if ARGV[7] ~= '0' then
  redis.call('DEL', KEYS[6])
  redis.call('SET', KEYS[7], '1', 'PX', ARGV[7])
end
return 1
`)

const (
	commitOK       = 1
	commitConflict = 0
	commitSeen     = 2
	commitTaken    = 3
)
