package api

import (
	"encoding/json"
	"fmt"

	"github.com/aduan-id/aduan/bot"
)

// The effects a report change causes, built inside the change's transaction
// (see ReportStore.Update): they commit with it, or not at all. Effect ids are
// stable for one change of one report, so a redelivered action or a repeated
// admin form produces the same ids and the relay does the work once.

// notice is a message to the report's citizen (none for a report filed
// without a chat). ref, when set, asks the sender to report delivery of it
// back to the timeline event it names.
func (s *Service) notice(r *Report, id, key string, vars map[string]string, ref string) []Effect {
	return s.noticeText(r, id, s.msg(r.Lang, key, s.vars(r, vars)), ref)
}

// noticeText is notice with the text already rendered.
func (s *Service) noticeText(r *Report, id, text, ref string) []Effect {
	if r.Channel == "" || r.ChatID == "" {
		return nil
	}
	out := bot.Outbound{Channel: r.Channel, ChatID: r.ChatID, Lang: r.Lang, Text: text, Notice: true, Ref: ref}
	raw, err := json.Marshal(out)
	if err != nil {
		panic(fmt.Sprintf("encode notice: %v", err)) // a struct of strings always encodes
	}
	return []Effect{{ID: r.Number + ":n:" + id, Kind: EffectNotice, Number: r.Number, Payload: raw}}
}

// answer is a reply to a citizen's own request (not a notice): it goes to the
// chat that asked, which need not be the report's.
func (s *Service) answer(number string, env bot.ActionEnvelope, key string, vars map[string]string) []Effect {
	out := bot.Outbound{Channel: env.Channel, ChatID: env.ChatID, Lang: env.Lang, Text: s.msg(env.Lang, key, vars)}
	raw, err := json.Marshal(out)
	if err != nil {
		panic(fmt.Sprintf("encode answer: %v", err))
	}
	return []Effect{{ID: number + ":a:" + envID(env), Kind: EffectNotice, Number: number, Payload: raw}}
}

// startFlow starts a follow-up flow (resolved, answer) in the citizen's
// conversation with intro as its first message.
func (s *Service) startFlow(r *Report, id, flow, intro string) []Effect {
	if r.Channel == "" || r.ChatID == "" {
		return nil
	}
	raw, err := json.Marshal(FlowStart{Channel: r.Channel, ChatID: r.ChatID, Flow: flow, Pending: r.Number, Intro: intro})
	if err != nil {
		panic(fmt.Sprintf("encode flow start: %v", err))
	}
	return []Effect{{ID: r.Number + ":f:" + id, Kind: EffectStartFlow, Number: r.Number, Payload: raw}}
}

// forward queues the report for the forwarder.
func forwardEffect(r *Report) Effect {
	return Effect{ID: r.Number + ":forward", Kind: EffectForward, Number: r.Number, Payload: []byte("{}")}
}

// ref names a timeline event for delivery reports: "<number>/<event id>".
func ref(number, eventID string) string { return number + "/" + eventID }
