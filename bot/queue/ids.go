package queue

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// LessID compares stream entry ids numerically ("5-9" < "5-10");
// malformed ids compare as equal.
func LessID(a, b string) bool {
	am, as, err1 := splitID(a)
	bm, bs, err2 := splitID(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return am < bm || (am == bm && as < bs)
}

// NextID is the smallest entry id greater than id ("5-3" -> "5-4").
func NextID(id string) (string, error) {
	ms, seq, err := splitID(id)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(ms, 10) + "-" + strconv.FormatUint(seq+1, 10), nil
}

// IDTime is when an entry with an auto-generated id was added (zero for a
// malformed id).
func IDTime(id string) time.Time {
	ms, _, err := splitID(id)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms))
}

func splitID(id string) (ms, seq uint64, err error) {
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

// SameSlot returns a key name for suffix that lives in the same Redis Cluster
// slot as key: key's own hash tag when it has one ("a:{s1}:out" ->
// "a:{s1}:out:retry"), else key itself as the tag ("{a:out}:retry"), which
// hashes like the untagged key.
func SameSlot(key, suffix string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key + ":" + suffix
		}
	}
	return "{" + key + "}:" + suffix
}
