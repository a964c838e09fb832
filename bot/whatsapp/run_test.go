package whatsapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/redistest"
)

// run starts a.Run and stops it at cleanup.
func run(t *testing.T, e *env) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.a.Run(ctx, e.rdb, e.keys) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

func state(e *env, s string) func() bool { return func() bool { return e.a.Health().State == s } }

func TestRunReconnectsAfterDisconnect(t *testing.T) {
	e := newEnv(t)
	run(t, e)
	waitFor(t, "connected", state(e, StateConnected))
	e.fake.Drop()
	waitFor(t, "a second connect", func() bool { c, _, _ := e.fake.Counts(); return c >= 2 })
	waitFor(t, "connected again", state(e, StateConnected))
	if got := e.a.Stats().Disconnects; got != 1 {
		t.Fatalf("Disconnects = %d", got)
	}
}

func TestRunUnpairedDoesNotConnect(t *testing.T) {
	e := newEnv(t)
	e.fake.SetPaired(false)
	run(t, e)
	waitFor(t, "unpaired", state(e, StateUnpaired))
	if c, _, _ := e.fake.Counts(); c != 0 {
		t.Fatalf("connected %d times without a linked device", c)
	}
}

// Logout, ban, replacement and an outdated client need a person: the channel
// shows it, and does not loop reconnecting.
func TestRunTerminalEventsStopReconnecting(t *testing.T) {
	tests := []struct {
		name  string
		evt   any
		state string
	}{
		{"logged out", &events.LoggedOut{Reason: events.ConnectFailureLoggedOut}, StateLoggedOut},
		{"temporary ban", &events.TemporaryBan{Code: events.TempBanSentToTooManyPeople, Expire: time.Hour}, StateBanned},
		{"stream replaced", &events.StreamReplaced{}, StateReplaced},
		{"client outdated", &events.ClientOutdated{}, StateDisconnected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			run(t, e)
			waitFor(t, "connected", state(e, StateConnected))
			e.fake.Kick(tt.evt)
			waitFor(t, tt.state, state(e, tt.state))
			h := e.a.Health()
			if h.Detail == "" || h.OK() {
				t.Fatalf("health = %+v", h)
			}
			// The reconnect backoff starts at 1 s: a loop would have connected again.
			time.Sleep(3 * backoffMin)
			if c, _, _ := e.fake.Counts(); c != 1 {
				t.Fatalf("connected %d times after %T", c, tt.evt)
			}
			if e.a.Stats().Terminal != 1 {
				t.Fatalf("terminal counter = %d", e.a.Stats().Terminal)
			}
		})
	}
}

// A holder that stops renewing (a crash: no release) is replaced by another
// replica once its lease expires.
func TestLeaseTakeoverAfterCrash(t *testing.T) {
	rdb, prefix := redistest.Client(t)
	key := leaseKey(bot.NewKeys(prefix, 1))
	ttl := time.Second
	a := &lease{rdb: rdb, key: key, owner: "a", ttl: ttl}
	b := &lease{rdb: rdb, key: key, owner: "b", ttl: ttl}
	ctx := context.Background()
	if err := a.acquire(ctx, func(error) {}); err != nil {
		t.Fatal(err)
	}
	aCtx, crash := context.WithCancel(ctx)
	aKept := make(chan error, 1)
	go func() { aKept <- a.keep(aCtx) }()
	bCtx, bStop := context.WithCancel(ctx)
	defer bStop()
	bGot := make(chan error, 1)
	go func() { bGot <- b.acquire(bCtx, func(error) {}) }()

	// While a renews, b waits for longer than the TTL.
	select {
	case <-bGot:
		t.Fatal("b took a lease that a was renewing")
	case err := <-aKept:
		t.Fatalf("a lost its lease: %v", err)
	case <-time.After(3 * ttl):
	}
	crash()
	if err := <-aKept; err != nil {
		t.Fatalf("keep after cancel: %v", err)
	}
	select {
	case err := <-bGot:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("b never took over")
	}
	if owner, _ := rdb.Get(ctx, key).Result(); owner != "b" {
		t.Fatalf("owner = %q", owner)
	}
	// a, back from the dead, cannot renew or release b's lease.
	if ok, _ := a.renew(ctx); ok {
		t.Fatal("a renewed b's lease")
	}
	if err := a.release(ctx); err != nil {
		t.Fatal(err)
	}
	if owner, _ := rdb.Get(ctx, key).Result(); owner != "b" {
		t.Fatalf("a released b's lease: owner = %q", owner)
	}
}

// Two replicas: one connects, the other waits. When the holder's lease is
// taken from it, it disconnects at once and waits; the other connects.
func TestRunOneConnectionPerNumber(t *testing.T) {
	e1 := newEnv(t)
	e2 := newEnv(t)
	e2.rdb, e2.keys = e1.rdb, e1.keys // same Redis, same number
	e1.a.cfg.InstanceID, e2.a.cfg.InstanceID = "replica-1", "replica-2"
	run(t, e1)
	waitFor(t, "replica 1 connected", state(e1, StateConnected))
	run(t, e2)
	time.Sleep(2 * e2.a.cfg.LeaseTTL)
	if h := e2.a.Health(); h.State != StateStandby {
		t.Fatalf("replica 2 = %+v while replica 1 holds the lease", h)
	}
	// The lease expires under replica 1 (e.g. a long pause) and someone
	// else holds it for a moment.
	ctx := context.Background()
	if err := e1.rdb.Set(ctx, leaseKey(e1.keys), "intruder", 1500*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "replica 1 disconnected", func() bool { _, d, _ := e1.fake.Counts(); return d >= 1 && !e1.fake.IsConnected() })
	waitFor(t, "one replica connected again", func() bool {
		return e1.a.Health().State == StateConnected || e2.a.Health().State == StateConnected
	})
	if e1.fake.IsConnected() && e2.fake.IsConnected() {
		t.Fatal("both replicas connected")
	}
	if e1.a.Stats().LeaseLost != 1 {
		t.Fatalf("LeaseLost = %d", e1.a.Stats().LeaseLost)
	}
}

// A clean stop disconnects and gives the lease back at once.
func TestRunStopReleasesLease(t *testing.T) {
	e := newEnv(t)
	stop := run(t, e)
	waitFor(t, "connected", state(e, StateConnected))
	stop()
	if e.fake.IsConnected() {
		t.Fatal("still connected after Run returned")
	}
	if n, err := e.rdb.Exists(context.Background(), leaseKey(e.keys)).Result(); err != nil || n != 0 {
		t.Fatalf("lease left behind: %d %v", n, err)
	}
}

// Linking from the console: a supervisor's request starts pairing on the
// holder (reading the code never does); the codes rotate; once scanned the
// channel connects.
func TestRunPairingFromConsole(t *testing.T) {
	e := newEnv(t)
	e.fake.SetPaired(false)
	run(t, e)
	waitFor(t, "unpaired", state(e, StateUnpaired))
	if _, ok := e.a.PairingQR(); ok {
		t.Fatal("a QR code before WhatsApp sent one")
	}
	time.Sleep(50 * time.Millisecond)
	if c, _, _ := e.fake.Counts(); c != 0 {
		t.Fatal("pairing started without a request (reading the code must not start it)")
	}
	e.a.RequestPairing()
	for _, code := range []string{"2@first,abc", "2@second,def"} {
		e.fake.QR <- whatsmeow.QRChannelItem{Event: whatsmeow.QRChannelEventCode, Code: code, Timeout: 20 * time.Second}
		waitFor(t, "code "+code, func() bool { c, ok := e.a.PairingQR(); return ok && c == code })
	}
	e.fake.SetPaired(true)
	e.fake.QR <- whatsmeow.QRChannelSuccess
	waitFor(t, "QR code gone", func() bool { _, ok := e.a.PairingQR(); return !ok })
	e.fake.Dispatch(&events.Connected{}) // whatsmeow logs in again after pairing
	waitFor(t, "connected", state(e, StateConnected))
}

// A temporary ban with a known expiry: no reconnect during the ban, one
// attempt after it.
func TestRunConnectsAgainAfterBanExpires(t *testing.T) {
	e := newEnv(t)
	e.a.banMargin = 200 * time.Millisecond
	run(t, e)
	waitFor(t, "connected", state(e, StateConnected))
	e.fake.Kick(&events.TemporaryBan{Code: events.TempBanSentTooManySameMessage, Expire: time.Second})
	waitFor(t, "banned", state(e, StateBanned))
	if !strings.Contains(e.a.Health().Detail, "104") {
		t.Errorf("detail %q does not name the ban code", e.a.Health().Detail)
	}
	waitFor(t, "connected after the ban", state(e, StateConnected))
	if c, _, _ := e.fake.Counts(); c != 2 {
		t.Fatalf("connected %d times, want 2 (one after the ban)", c)
	}
}
