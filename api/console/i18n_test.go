package console

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/aduan-id/aduan/api"
)

// TestUITextComplete: every key used by a template or the code exists in
// both languages.
func TestUITextComplete(t *testing.T) {
	for k, v := range uiText {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: missing a translation", k)
		}
	}
	used := regexp.MustCompile(`\.T[f]? "([a-z_.0-9]+)"`)
	files, err := fs.Glob(webFS, "web/templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, f := range files {
		data, _ := fs.ReadFile(webFS, f)
		for _, m := range used.FindAllStringSubmatch(string(data), -1) {
			if _, ok := uiText[m[1]]; !ok {
				t.Errorf("%s uses %q, which has no text", f, m[1])
			}
		}
	}
	// Keys built at run time: (print "status." .Status) and the like.
	dynamic := []string{"role.supervisor", "role.agency", "role.viewer", "identity.public", "identity.anonim",
		"identity.rahasia", "due.verify", "due.respond"}
	for _, st := range api.Statuses {
		dynamic = append(dynamic, "status."+string(st))
	}
	for _, ev := range []api.EventKind{api.EventCreated, api.EventForwarded, api.EventReply, api.EventQuestion,
		api.EventAnswer, api.EventStatus, api.EventInternalNote, api.EventAddition, api.EventRating, api.EventReopen,
		api.EventReassign, api.EventForwardFailed} {
		dynamic = append(dynamic, "event."+string(ev))
	}
	for _, k := range dynamic {
		if _, ok := uiText[k]; !ok {
			t.Errorf("no text for %s", k)
		}
	}
	for k := range flashKeys {
		if _, ok := uiText[k]; !ok {
			t.Errorf("flash %s has no text", k)
		}
	}
}
