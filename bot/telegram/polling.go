package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgmodels "github.com/go-telegram/bot/models"
)

// pollWorkers is how many chats of one batch are processed at once (one
// chat's updates always in order).
const pollWorkers = 8

// RunPolling fetches updates with getUpdates until ctx ends. The offset
// (which confirms updates to Telegram) advances only after every update of a
// batch was committed; on a handler error the same updates are fetched again
// after a backoff (those already committed then come back as duplicates).
//
// update_id is not a watermark: after a week without updates Telegram picks
// the next one at random, possibly below every earlier one. So the offset is
// sent once, to confirm a committed batch (the id after the batch's last
// update, in Telegram's order), and then dropped: later calls ask for "the
// earliest unconfirmed update" (offset 0), whatever its id.
func (a *Adapter) RunPolling(ctx context.Context) error {
	var offset int64 // confirms the last committed batch; 0: nothing to confirm
	backoff := time.Duration(0)
	for {
		if backoff > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		updates, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			backoff = nextBackoff(backoff)
			a.log.Warn("telegram getUpdates failed", "err", a.errorString(err), "backoff", backoff)
			continue // offset kept: the confirmation may not have arrived
		}
		offset = 0 // Telegram has it: the confirmed updates are gone
		if err := a.processBatch(ctx, updates); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			backoff = nextBackoff(backoff)
			a.log.Error("telegram batch not committed, fetching it again", "err", a.errorString(err), "backoff", backoff)
			continue
		}
		backoff = 0
		if n := len(updates); n > 0 {
			offset = updates[n-1].ID + 1
		}
	}
}

func nextBackoff(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return 200 * time.Millisecond
	case d*2 > 30*time.Second:
		return 30 * time.Second
	}
	return d * 2
}

// processBatch processes a batch: chats in parallel, each chat's updates in
// order, stopping a chat at its first failure. It returns the first error.
func (a *Adapter) processBatch(ctx context.Context, updates []*tgmodels.Update) error {
	var order []string
	byChat := map[string][]*tgmodels.Update{}
	for _, u := range updates {
		k := chatKey(u)
		if _, ok := byChat[k]; !ok {
			order = append(order, k)
		}
		byChat[k] = append(byChat[k], u)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, pollWorkers)
	)
	for _, k := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(list []*tgmodels.Update) {
			defer func() { <-sem; wg.Done() }()
			for _, u := range list {
				if err := a.process(ctx, u); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}(byChat[k])
	}
	wg.Wait()
	return firstErr
}

// chatKey groups updates by conversation (the sender for a callback).
func chatKey(u *tgmodels.Update) string {
	switch {
	case u.Message != nil:
		return "c" + strconv.FormatInt(u.Message.Chat.ID, 10)
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return "c" + strconv.FormatInt(m.Chat.ID, 10)
		}
		return "c" + strconv.FormatInt(u.CallbackQuery.From.ID, 10)
	case u.EditedMessage != nil:
		return "c" + strconv.FormatInt(u.EditedMessage.Chat.ID, 10)
	}
	return "u" + strconv.FormatInt(u.ID, 10)
}

// apiResponse is the Bot API envelope.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// getUpdates calls the method directly: go-telegram/bot does not export it.
// The request URL holds the token, so errors never include the URL.
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]*tgmodels.Update, error) {
	allowed, err := json.Marshal(a.cfg.AllowedUpdates)
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %w", err)
	}
	form := url.Values{}
	form.Set("offset", strconv.FormatInt(offset, 10))
	form.Set("timeout", strconv.Itoa(pollTimeout))
	form.Set("limit", "100")
	form.Set("allowed_updates", string(allowed))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %s", a.errorString(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the URL (it holds the token)
		}
		return nil, fmt.Errorf("getUpdates: %s", a.errorString(err))
	}
	defer resp.Body.Close()
	var r apiResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("getUpdates: HTTP %d, undecodable response: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, fmt.Errorf("getUpdates: error %d %s", r.ErrorCode, r.Description)
	}
	var updates []*tgmodels.Update
	if err := json.Unmarshal(r.Result, &updates); err != nil {
		// One undecodable update would block the loop forever: skip the batch
		// element by element instead.
		return a.decodeLeniently(r.Result)
	}
	return updates, nil
}

// decodeLeniently decodes the updates one by one, turning those that do not
// decode into empty updates (only their id), which are ignored and confirmed.
func (a *Adapter) decodeLeniently(raw json.RawMessage) ([]*tgmodels.Update, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("getUpdates: result is not a list: %w", err)
	}
	out := make([]*tgmodels.Update, 0, len(items))
	for _, it := range items {
		var u tgmodels.Update
		if err := json.Unmarshal(it, &u); err != nil {
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(it, &id) != nil {
				continue
			}
			a.stats.malformed.Add(1)
			u = tgmodels.Update{ID: id.ID}
		}
		out = append(out, &u)
	}
	return out, nil
}
