// Package queue is Aduan's one durable work queue: Redis Streams read through
// consumer groups, at least once. It owns the parts every queue needs and
// that were written three times before (reply sender, action worker, the
// complaint side's outbox):
//
//   - Reader: this consumer's own pending entries first, then new ones;
//     XAUTOCLAIM of entries a dead consumer left; the group created again when
//     the stream vanished (a Redis restart without persistence); XTRIM of
//     handled entries; per-entry retry state that survives a restart.
//   - RetryError, Permanent, After: one retryable-error contract, matched
//     with errors.As.
//   - Policy: one retry policy (Retry-After honoured and capped, never
//     counted; permanent errors dead at once; transient errors backed off
//     with full jitter until the entry's first failure is MaxAge old).
//   - DeadLetter, DeadLetterSink: one dead-letter format, written before the
//     entry is acknowledged.
//   - Worker: a queue is a Worker plus a Handle function.
//   - Lease, LeaseGroup: a Redis lease (SET NX PX, renewal, compare-and-
//     delete release), and a set of leases spread over the live members.
//   - Metrics: one Prometheus family per measure, labelled by queue.
//
// It knows nothing of chats or reports; package bot builds the reply sender
// and the action worker on it, package api the forwarder and webhooks.
package queue
