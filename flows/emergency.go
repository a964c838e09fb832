package flows

import (
	"strings"
	"time"
)

// Emergencies are read by meaning, per type (fire, gas, drowning, flood with
// people in danger, accident, crime, medical, or a plain "darurat"), from
// the word lists in understand.yaml, and answered at once with the number
// for that type (services.yaml: region.emergency_numbers, else
// emergency_number) as text and as a tel: link. The conversation then goes
// on: the warning leads the reply to whatever the message also was.
//
// A word counts unless the words around it say it is not happening now: a
// negation just before it ("tidak ada korban"), a hedge before it in the
// same clause ("rawan kecelakaan", "bisa menyebabkan kebakaran"), a word of
// frequency after it ("kecelakaan sering terjadi"), or a longer phrase it
// is part of ("pintu darurat"). A polite "tolong diperbaiki" is no emergency; "tolong!!" alone
// is.

// emergencyRepeat is how long the emergency number is not repeated, unless
// the message is nothing but an emergency word.
const emergencyRepeat = 15 * time.Minute

// hedgeBefore and hedgeAfter are how many words before an emergency word a
// hedge, and after it a word of frequency, may stand.
const (
	hedgeBefore = 4
	hedgeAfter  = 2
)

// emergencyIn returns the emergency a message describes, if any, and
// whether the message is nothing but that (which repeats the warning).
func (lx *lexicon) emergencyIn(ws []word) (k *emergencyKind, alone bool) {
	if len(ws) == 0 {
		return nil, false
	}
	for i := range lx.emergencies {
		k := &lx.emergencies[i]
		if isOnly(ws, k.alone) {
			return k, true
		}
		for _, p := range k.words {
			if lx.counts(ws, p) {
				return k, len(p) == 1 && isOnly(ws, []phrase{p})
			}
		}
	}
	return nil, false
}

// counts reports whether every run of p occurs somewhere it is not denied.
func (lx *lexicon) counts(ws []word, p phrase) bool {
	for _, run := range p {
		ok := false
		for _, i := range runs(ws, run) {
			if !lx.denied(ws, i, len(run)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// denied reports whether the emergency words ws[i:i+n] are negated, hedged
// or part of a phrase that is no emergency.
func (lx *lexicon) denied(ws []word, i, n int) bool {
	clause := ws[i].clause
	for _, neg := range lx.negations {
		run := neg[0]
		if at := i - len(run); at >= 0 && ws[at].clause == clause && runAt(ws, at, run) {
			return true
		}
	}
	last := i + n - 1
	for _, h := range lx.hedges {
		for _, at := range runs(ws, h[0]) {
			if end := at + len(h[0]) - 1; ws[at].clause == clause && end < i && end >= i-hedgeBefore {
				return true
			}
		}
	}
	for _, h := range lx.hedgesAfter {
		for _, at := range runs(ws, h[0]) {
			if ws[at].clause == clause && at > last && at <= last+hedgeAfter {
				return true
			}
		}
	}
	for _, ne := range lx.notEmergency {
		for _, at := range runs(ws, ne[0]) {
			if at <= last && at+len(ne[0])-1 >= i {
				return true // overlaps: "bau gas" inside "bau gas buang"
			}
		}
	}
	return false
}

// emergencyNumber is the number to call for an emergency kind.
func (r Region) emergencyNumber(service string) string {
	if n := r.EmergencyNumbers[service]; n != "" {
		return n
	}
	return r.EmergencyNumber
}

// emergency answers an emergency at once with its number, before the
// conversation goes on. It reports whether the message was one (even when
// the warning was not repeated).
func (t *turn) emergency() bool {
	lx := t.e.set.lex
	k, alone := lx.emergencyIn(t.words())
	if k == nil {
		return false
	}
	if !alone && t.s.Warned > 0 && t.in.Now.Sub(time.Unix(t.s.Warned, 0)) < emergencyRepeat {
		return true
	}
	t.s.Warned = t.in.Now.Unix()
	number := t.e.set.catalog.Region.emergencyNumber(k.service)
	key := "emergency_" + k.typ
	if !t.e.set.HasMessage(key) {
		key = "emergency"
	}
	vars := map[string]string{"number": number, "emergency": number}
	t.out.Replies = append(t.out.Replies, Reply{Text: t.msg(key, vars),
		Choices: []Choice{{Label: t.msg("emergency_call", vars), URL: "tel:" + telDigits(number)}}})
	return true
}

// telDigits keeps what a tel: URL may hold of a configured number.
func telDigits(n string) string {
	var b strings.Builder
	for i, r := range n {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
