// Command aduan-load is a load generator for `aduan serve` (a dev tool, not
// part of the service). It runs a fake Telegram Bot API on a loopback address
// and lets N simulated citizens walk the complaint conversation through
// aduan's Telegram webhook, each posting its next message as soon as the
// previous one was answered 200 (committed). It then prints the webhook's
// throughput and latency, the replies the fake Bot API received, and how many
// conversations ended with a tracking number.
//
// It only ever talks to loopback addresses. Start it first, then
// `aduan serve` with ADUAN_TELEGRAM_API_URL pointing at it; it waits for
// setWebhook before posting. See docs/performance.md.
//
// Two more modes measure the read side:
//
//	aduan-load seed --database DSN --reports N    fill a report database (sqlstoretest.Seed)
//	aduan-load reads --base URL --email E --pid P  time the console's and Open311's reads
//
// (`aduan-load seed -h`, `aduan-load reads -h`).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

type options struct {
	listen     string
	target     string
	secret     string
	citizens   int
	duration   time.Duration
	waitSetup  time.Duration
	apiLatency time.Duration
	chatBase   int64
	marker     string
	settle     time.Duration
	steps      int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "aduan-load:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("aduan-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8081", "address of the fake Telegram Bot API (loopback only)")
	fs.StringVar(&o.target, "target", "http://127.0.0.1:8080/webhooks/telegram", "aduan's Telegram webhook (loopback only)")
	fs.StringVar(&o.secret, "secret", "loadtest", "X-Telegram-Bot-Api-Secret-Token (ADUAN_TELEGRAM_WEBHOOK_SECRET)")
	fs.IntVar(&o.citizens, "citizens", 200, "simulated citizens, each one chat, all at once")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "stop after this long (from the first post), even if conversations are unfinished")
	fs.DurationVar(&o.waitSetup, "wait-setup", 2*time.Minute, "how long to wait for aduan's setWebhook before giving up")
	fs.DurationVar(&o.apiLatency, "api-latency", 0, "delay added to every fake Bot API answer")
	fs.Int64Var(&o.chatBase, "chat-base", 880000000, "chat id of the first citizen (the others follow)")
	fs.StringVar(&o.marker, "marker", "SDA-", "a reply containing this finishes a conversation (the tracking number)")
	fs.IntVar(&o.steps, "steps", 0, "post only the first N messages of the script (leaves drafts, e.g. to measure a session's size); 0: all")
	fs.DurationVar(&o.settle, "settle", 3*time.Second, "once every conversation finished, keep receiving until no reply came for this long (trailing notices)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.citizens < 1 || o.citizens > 100000 {
		return o, fmt.Errorf("--citizens must be 1..100000")
	}
	if o.steps < 0 || o.steps > len(complaintScript(0)) {
		return o, fmt.Errorf("--steps must be 0..%d", len(complaintScript(0)))
	}
	if o.duration <= 0 {
		return o, fmt.Errorf("--duration must be positive")
	}
	if _, err := checkTarget(o.target); err != nil {
		return o, err
	}
	if err := checkListen(o.listen); err != nil {
		return o, err
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "seed":
			return runSeed(ctx, args[1:], stdout, stderr)
		case "reads":
			return runReads(ctx, args[1:], os.Stdin, stdout, stderr)
		}
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	api := newFakeAPI(o.marker, o.apiLatency)
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("fake Bot API: %w", err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Fprintf(stderr, "fake Bot API on http://%s; waiting for aduan's setWebhook (start `aduan serve` now)\n", o.listen)
	if err := waitFor(ctx, o.waitSetup, api.webhookSet); err != nil {
		return fmt.Errorf("no setWebhook from aduan: %w", err)
	}
	// setWebhook comes before the HTTP server listens: wait until it answers.
	if err := waitFor(ctx, o.waitSetup, func() bool { return reachable(o.target) }); err != nil {
		return fmt.Errorf("webhook %s not reachable: %w", o.target, err)
	}

	tr := &http.Transport{MaxIdleConns: o.citizens, MaxIdleConnsPerHost: o.citizens, IdleConnTimeout: 90 * time.Second}
	defer tr.CloseIdleConnections()
	p := &poster{client: &http.Client{Transport: tr}, target: o.target, secret: o.secret}
	p.updateID.Store(time.Now().UnixNano() % 1_000_000_000)

	loadStart := loadAvg()
	start := time.Now()
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	walked := 0 // citizens that posted their whole script
	script0 := complaintScript(0)
	if o.steps > 0 {
		script0 = script0[:o.steps]
	}
	for i := range o.citizens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			script := complaintScript(i + 1)[:len(script0)]
			if p.walk(runCtx, o.chatBase+int64(i), script) == len(script) {
				mu.Lock()
				walked++
				mu.Unlock()
			}
		}()
	}
	postingDone := make(chan struct{})
	go func() { wg.Wait(); close(postingDone) }()

	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
wait:
	for {
		select {
		case <-runCtx.Done():
			break wait
		case <-postingDone:
			postingDone = nil // every citizen posted its script (or gave up)
		case <-poll.C:
			if postingDone == nil && api.finishedCount() >= o.citizens && time.Since(api.lastReply()) >= o.settle {
				break wait
			}
		case <-tick.C:
			s := api.snapshot()
			p.mu.Lock()
			fmt.Fprintf(stderr, "%5.0fs  posted %d (200: %d)  replies %d  finished %d/%d  load %s\n",
				time.Since(start).Seconds(), p.ok+p.busy+p.other+p.errs, p.ok, s.total, s.finished, o.citizens, loadAvg())
			p.mu.Unlock()
		}
	}
	end := time.Now()
	if o.settle > 0 && api.finishedCount() >= o.citizens {
		end = api.lastReply() // the run ended with the last reply, not with the settle wait
	}
	cancel()
	if postingDone != nil {
		<-postingDone // in-flight posts end (bounded by their timeout)
	}
	loadEnd := loadAvg()

	p.mu.Lock()
	lat := summarize(slices.Clone(p.latencies))
	ok, busy, other, errs, lastOK := p.ok, p.busy, p.other, p.errs, p.lastOK
	p.mu.Unlock()
	s := api.snapshot()
	report(stdout, o, reportData{start: start, end: end, lastOK: lastOK, ok: ok, busy: busy, other: other, errs: errs,
		walked: walked, scriptLen: len(script0), lat: lat, replies: s, loadStart: loadStart, loadEnd: loadEnd})
	if ok == 0 {
		return errors.New("no update was answered 200 (wrong --secret or --target?)")
	}
	return nil
}

type reportData struct {
	start, end, lastOK    time.Time
	ok, busy, other, errs int
	walked, scriptLen     int
	lat                   latencySummary
	replies               replyStats
	loadStart, loadEnd    string
}

func report(w io.Writer, o options, d reportData) {
	posted := d.ok + d.busy + d.other + d.errs
	inbound := d.lastOK.Sub(d.start)
	if d.lastOK.IsZero() {
		inbound = 0
	}
	ms := func(x time.Duration) string { return fmt.Sprintf("%.2f ms", float64(x.Microseconds())/1000) }
	fmt.Fprintf(w, "citizens                 %d (script of %d messages each, concurrency %d)\n", o.citizens, d.scriptLen, o.citizens)
	fmt.Fprintf(w, "run                      %.1f s (limit %s)\n", d.end.Sub(d.start).Seconds(), o.duration)
	fmt.Fprintf(w, "updates posted           %d (HTTP requests, redeliveries included)\n", posted)
	fmt.Fprintf(w, "statuses                 200: %d  503: %d  other: %d  no answer: %d\n", d.ok, d.busy, d.other, d.errs)
	fmt.Fprintf(w, "scripts fully posted     %d/%d citizens\n", d.walked, o.citizens)
	fmt.Fprintf(w, "inbound                  %d committed in %.2f s = %.0f updates/s\n", d.ok, inbound.Seconds(), rate(d.ok, inbound))
	fmt.Fprintf(w, "webhook latency (200)    p50 %s  p90 %s  p99 %s  max %s  (n=%d)\n", ms(d.lat.p50), ms(d.lat.p90), ms(d.lat.p99), ms(d.lat.max), d.lat.n)
	r := d.replies
	window := r.last.Sub(r.first)
	fmt.Fprintf(w, "replies (sendMessage)    %d to %d chats", r.total, r.chats)
	if r.total > 1 {
		fmt.Fprintf(w, ", first %.2f s after start, last %.2f s: %.1f replies/s", r.first.Sub(d.start).Seconds(), r.last.Sub(d.start).Seconds(), rate(r.total-1, window))
	}
	fmt.Fprintln(w)
	if len(r.perChat) > 0 {
		sort.Ints(r.perChat)
		fmt.Fprintf(w, "replies per chat         min %d  median %d  max %d\n", r.perChat[0], r.perChat[len(r.perChat)/2], r.perChat[len(r.perChat)-1])
		fmt.Fprintf(w, "peak replies in 1 s      %d overall, %d to one chat\n", r.peak1s, r.peakChat1s)
	}
	fmt.Fprintf(w, "conversations finished   %d/%d (a reply containing %q)", r.finished, o.citizens, o.marker)
	if r.finished > 0 {
		var fin []time.Duration
		for _, t := range r.finishedByChatID {
			fin = append(fin, t.Sub(d.start))
		}
		f := summarize(fin)
		fmt.Fprintf(w, ", after p50 %.1f s  max %.1f s", f.p50.Seconds(), f.max.Seconds())
	}
	fmt.Fprintln(w)
	var methods []string
	for m, n := range r.methods {
		methods = append(methods, fmt.Sprintf("%s %d", m, n))
	}
	sort.Strings(methods)
	fmt.Fprintf(w, "Bot API calls            %s; error answers %d\n", strings.Join(methods, ", "), r.bad)
	fmt.Fprintf(w, "load average             start %s, end %s\n", d.loadStart, d.loadEnd)
}

// waitFor polls cond until it holds, ctx ends or limit passes.
func waitFor(ctx context.Context, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// reachable reports whether something accepts TCP connections at the
// target's host and port.
func reachable(target string) bool {
	u, err := checkTarget(target)
	if err != nil {
		return false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(u.Hostname(), port), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}
