package api

// What the webhook tests need of the package's insides.

// InboundWebhookIDKey is the Redis key guarding an inbound webhook-id.
func (s *Service) InboundWebhookIDKey(msgID string) string { return s.k.hookIn(msgID) }
