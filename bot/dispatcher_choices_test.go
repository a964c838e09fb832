package bot

import (
	"testing"

	"github.com/aduan-id/aduan/flows"
)

// An emergency answer's tel: link is not a button a channel would send (a
// Telegram URL button refuses tel:); the number stays in the text.
func TestEmergencyLinkChoiceNotSent(t *testing.T) {
	cs := answerChoices([]flows.Choice{{Value: "ya", Label: "Ya"}, {Label: "Telepon 112", URL: "tel:112"}})
	if len(cs) != 1 || cs[0].Value != "ya" {
		t.Fatalf("choices %+v", cs)
	}
	if answerChoices([]flows.Choice{{Label: "Telepon 112", URL: "tel:112"}}) != nil {
		t.Fatal("a reply with only a link keeps a keyboard")
	}
}
