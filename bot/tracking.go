package bot

import (
	"crypto/rand"
	"hash/fnv"
)

// trackingAlphabet has no look-alikes (no 0/O, 1/I/L) so a number read out on
// the phone or copied from a screenshot survives.
const trackingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// TrackingShard is the shard that owns the reservation of a tracking number.
func (k Keys) TrackingShard(number string) int {
	h := fnv.New32a()
	h.Write([]byte(number))
	return int(h.Sum32() % uint32(k.Shards))
}

// newTracking draws a candidate tracking number (prefix-XXXXXX) whose
// reservation lives in shard, so the commit of that shard can reserve it
// atomically. On average Shards draws; each is a few random bytes.
func (k Keys) newTracking(prefix string, shard int) string {
	buf := make([]byte, len(prefix)+7)
	copy(buf, prefix)
	buf[len(prefix)] = '-'
	var r [6]byte
	for {
		if _, err := rand.Read(r[:]); err != nil {
			panic("crypto/rand failed: " + err.Error()) // never returns an error on Linux
		}
		for i, b := range r {
			buf[len(prefix)+1+i] = trackingAlphabet[int(b)%len(trackingAlphabet)]
		}
		if n := string(buf); k.TrackingShard(n) == shard {
			return n
		}
	}
}
