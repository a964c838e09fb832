package api

import (
	"context"
	"fmt"
	"strings"

	"github.com/aduan-id/aduan/bot"
)

// OnDelivery is the reply sender's hook (bot.SenderConfig.OnDelivery): a
// notice carrying a Ref ("<number>/<event id>", see ref) was sent, or given
// up on (the citizen blocked the bot, the chat is gone). The timeline shows
// it, so an admin never believes a reply arrived that did not.
func (s *Service) OnDelivery(ctx context.Context, reference string, d bot.Delivery) error {
	number, eventID, ok := strings.Cut(reference, "/")
	if !ok || number == "" || eventID == "" {
		return fmt.Errorf("delivery report for %q: not a report reference", reference)
	}
	err := s.store.SetDelivery(ctx, number, eventID, Delivery{Status: d.Status, At: d.At.UTC(), Detail: d.Detail})
	if err != nil {
		return fmt.Errorf("delivery report: %w", err)
	}
	return nil
}
