// Package telegram is the Telegram channel adapter: it turns Bot API updates
// (from its own webhook route or its own long-polling loop) into bot.Inbound
// messages, hands them to a bot.Handler, and acknowledges an update to
// Telegram only after the handler committed it. It also implements bot.Sender
// for replies (text splitting, inline keyboards, location/contact request
// buttons, error classification into *bot.SendError).
//
// Everything a citizen reads is committed by the handler and delivered by the
// reply sender through Send (a refused photo too: it becomes an Inbound the
// engine answers with a re-ask). The adapter itself only answers callback
// queries and edits the answered question.
//
// It uses github.com/go-telegram/bot for the Bot API models and send methods,
// but neither its webhook handler nor its polling loop: both acknowledge an
// update before it is processed.
package telegram
