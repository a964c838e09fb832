package alerts

import (
	"crypto/sha256"
	"encoding/hex"
)

// keys names the package's Redis keys. They share the hash tag {alerts}: the
// once-marker and the stream change in one script, also on Redis Cluster.
type keys struct{ p string }

func newKeys(prefix string) keys {
	if prefix == "" {
		prefix = "aduan"
	}
	return keys{p: prefix + ":{alerts}:"}
}

func (k keys) stream() string            { return k.p + "stream" }
func (k keys) once(id string) string     { return k.p + "once:" + id }
func (k keys) cursor() string            { return k.p + "cursor" }
func (k keys) batch() string             { return k.p + "batch" }
func (k keys) lease() string             { return k.p + "lease" }
func (k keys) mark(source string) string { return k.p + "mark:" + source }

// done marks one recipient's message of one batch as sent on one channel.
func (k keys) done(batch, channel, email string) string {
	return k.p + "done:" + batch + ":" + channel + ":" + hashOf(email)
}

// hashOf names a person in keys and logs without their address.
func hashOf(s string) string {
	h := sha256.Sum256([]byte("aduan-alerts:" + s))
	return hex.EncodeToString(h[:6])
}
