package telegram

// maxPartial bounds the memory of partially sent messages; beyond it the
// memory is reset (a retry may then repeat a piece, nothing worse).
const maxPartial = 10000

// partsSent returns how many pieces of outbound message id were delivered
// by earlier attempts.
func (a *Adapter) partsSent(id string) int {
	if id == "" {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.partial[id]
}

// notePartsSent records that n pieces of id were delivered (0: forget it).
func (a *Adapter) notePartsSent(id string, n int) {
	if id == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if n == 0 {
		delete(a.partial, id)
		return
	}
	if a.partial == nil || len(a.partial) >= maxPartial {
		a.partial = map[string]int{}
	}
	a.partial[id] = n
}
