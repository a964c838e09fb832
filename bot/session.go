package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aduan-id/aduan/flows"
)

// A stored session is "<version>:<json>". The version prefix lets the commit
// script compare-and-set without decoding JSON in Lua.

func encodeSession(version int64, s flows.Session) (string, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("encode session: %w", err)
	}
	return strconv.FormatInt(version, 10) + ":" + string(data), nil
}

func decodeSession(raw string) (int64, flows.Session, error) {
	var s flows.Session
	v, body, ok := strings.Cut(raw, ":")
	if !ok {
		return 0, s, fmt.Errorf("decode session: no version prefix")
	}
	version, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, s, fmt.Errorf("decode session version: %w", err)
	}
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		// A session we cannot read restarts the conversation rather than
		// blocking it forever; the version is kept so the CAS still works.
		return version, flows.Session{}, nil
	}
	return version, s, nil
}
