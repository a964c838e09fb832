package flows

import "strings"

// One message per turn. Everything the engine says in answer to one
// citizen message goes out as one message: a confirmation and the next
// question, a re-ask and its question, the welcome and the menu. Every
// message is one more send under Telegram's 30 messages a second, one more
// notification on a cheap phone, and one more chance for order to matter.
// The texts are joined by a blank line; the question (the last reply with
// a step) gives the buttons; links (the emergency number) come after them.

// mergeCheck, when set (tests), sees the replies of every turn before they
// are merged.
var mergeCheck func(rs []Reply)

func (t *turn) merge() {
	rs := t.out.Replies
	if mergeCheck != nil {
		mergeCheck(rs)
	}
	if len(rs) <= 1 {
		return
	}
	var texts []string
	var links []Choice
	q := -1
	for i, r := range rs {
		if strings.TrimSpace(r.Text) != "" {
			texts = append(texts, r.Text)
		}
		for _, c := range r.Choices {
			if c.URL != "" {
				links = append(links, c)
			}
		}
		if r.Step != "" || r.Ask != "" {
			q = i
		}
	}
	m := Reply{Text: strings.Join(texts, "\n\n")}
	if q >= 0 {
		m.Ask, m.Step = rs[q].Ask, rs[q].Step
		for _, c := range rs[q].Choices {
			if c.URL == "" {
				m.Choices = append(m.Choices, c)
			}
		}
	}
	m.Choices = append(m.Choices, links...)
	t.out.Replies = []Reply{m}
}
