package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// readsOptions are the flags of `aduan-load reads`.
type readsOptions struct {
	base        string
	email       string
	pid         int
	n           int // sequential requests per scenario
	exportN     int // requests of the export scenario
	uncachedN   int // requests of dashboard-uncached
	concurrency int // concurrent clients of the public-c40 scenario
	concurrentN int // requests of the concurrent scenario, all clients together
	warmup      int
	number      string
	text        string
	inbox       string
	dashboard   string
	exportDays  int
	only        []string
	timeout     time.Duration
	interval    time.Duration
	pause       time.Duration
}

// passwordEnv names the variable that may hold the console password (else
// it is the first line of stdin, as for `aduan admin add`).
const passwordEnv = "ADUAN_LOAD_PASSWORD"

// defaultExportDays is the export filter's period: the seed spreads reports
// evenly over the 365 days before today, so the last 37 days of 100,000 hold
// about 10,000 (9,928 with seed 1).
const defaultExportDays = 37

// scenarioNames are the reads scenarios, in the order they run.
var scenarioNames = []string{
	"public-page1", "public-page500", "inbox-3-filters", "inbox-number", "inbox-text",
	"dashboard", "dashboard-uncached", "export-csv", "public-page1-c40",
}

var readsUsage = `usage: aduan-load reads --base http://127.0.0.1:PORT --email E [--pid PID] [flags]

Measures the read side of a running aduan serve: logs in to the console
(POST /console/login with the same-origin headers a browser sends; the
password is the first line of stdin or $ADUAN_LOAD_PASSWORD), then runs each
scenario's requests one after another (the last one: from --concurrency
clients at once) and prints p50/p90/p99/max, throughput, bytes, the serve
process's CPU per request and its RSS (VmRSS/VmHWM from /proc/PID/status,
sampled before, during and after each scenario).

Scenarios: ` + strings.Join(scenarioNames, ", ") + `

The console shares the dashboard's figures for a minute per scope and period
(Redis): "dashboard" is what admins refreshing it see (one computation a
minute), "dashboard-uncached" asks each time for another period that holds
every report (to=<a different day after today>), so that every request
computes the figures: the cost of the first view of a minute.

`

func parseReadsFlags(args []string, stderr io.Writer) (readsOptions, error) {
	var o readsOptions
	var only string
	fs := flag.NewFlagSet("aduan-load reads", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), readsUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.base, "base", "http://127.0.0.1:8080", "base URL of aduan serve (loopback only)")
	fs.StringVar(&o.email, "email", "", "console account (a supervisor sees every report) (required)")
	fs.IntVar(&o.pid, "pid", 0, "PID of the aduan serve process, for RSS and CPU (0: not measured)")
	fs.IntVar(&o.n, "n", 200, "requests per sequential scenario")
	fs.IntVar(&o.exportN, "export-n", 20, "requests of export-csv (each streams every matching row)")
	fs.IntVar(&o.uncachedN, "uncached-n", 50, "requests of dashboard-uncached (each computes the figures)")
	fs.IntVar(&o.concurrency, "concurrency", 40, "clients at once in public-page1-c40")
	fs.IntVar(&o.concurrentN, "concurrent-n", 0, "requests of public-page1-c40, all clients together (0: 5 × --n)")
	fs.IntVar(&o.warmup, "warmup", 5, "unmeasured requests before each scenario")
	fs.StringVar(&o.number, "number", "", "tracking number for inbox-number (default: the newest report in the inbox)")
	fs.StringVar(&o.text, "text", "diangkut", "search text for inbox-text (diangkut: in about 10 % of the seeded reports)")
	fs.StringVar(&o.inbox, "inbox", "status=in_progress&category=jalan&kecamatan=Waru", "query of inbox-3-filters")
	fs.StringVar(&o.dashboard, "dashboard", "", "query of the dashboard scenario, e.g. from=2026-09-01 (default: none, every report)")
	fs.IntVar(&o.exportDays, "export-days", defaultExportDays, "export-csv exports the reports filed in the last N days (from=…)")
	fs.StringVar(&only, "only", "", "comma-separated scenarios to run (default: all)")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "per-request timeout")
	fs.DurationVar(&o.interval, "rss-interval", 50*time.Millisecond, "RSS sampling interval during a scenario")
	fs.DurationVar(&o.pause, "pause", time.Second, "pause between scenarios")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("reads: unexpected arguments: %v", fs.Args())
	}
	u, err := checkTarget(o.base)
	if err != nil {
		return o, fmt.Errorf("reads: --base: %w", err)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return o, fmt.Errorf("reads: --base %q: want scheme://host:port only", o.base)
	}
	o.base = u.Scheme + "://" + u.Host
	if strings.TrimSpace(o.email) == "" {
		return o, errors.New("reads: --email is required (create it with `aduan admin add --role supervisor`)")
	}
	switch {
	case o.pid < 0:
		return o, errors.New("reads: --pid must be a process id")
	case o.n < 1 || o.n > 1_000_000:
		return o, errors.New("reads: --n must be 1..1000000")
	case o.exportN < 1 || o.exportN > 100_000:
		return o, errors.New("reads: --export-n must be 1..100000")
	case o.uncachedN < 1 || o.uncachedN > 10_000:
		return o, errors.New("reads: --uncached-n must be 1..10000")
	case o.concurrency < 1 || o.concurrency > 1000:
		return o, errors.New("reads: --concurrency must be 1..1000")
	case o.concurrentN < 0 || o.concurrentN > 10_000_000:
		return o, errors.New("reads: --concurrent-n must be 0..10000000")
	case o.warmup < 0 || o.warmup > 10_000:
		return o, errors.New("reads: --warmup must be 0..10000")
	case o.exportDays < 1 || o.exportDays > 366:
		return o, errors.New("reads: --export-days must be 1..366 (the console caps nothing, but the seed spans 365 days)")
	case o.timeout <= 0 || o.interval <= 0 || o.pause < 0:
		return o, errors.New("reads: --timeout and --rss-interval must be positive, --pause not negative")
	case strings.TrimSpace(o.text) == "":
		return o, errors.New("reads: --text must not be empty")
	}
	if o.concurrentN == 0 {
		o.concurrentN = 5 * o.n
	}
	for name, q := range map[string]string{"--inbox": o.inbox, "--dashboard": o.dashboard} {
		if _, err := url.ParseQuery(q); err != nil {
			return o, fmt.Errorf("reads: %s %q: %w", name, q, err)
		}
	}
	if only != "" {
		for _, name := range strings.Split(only, ",") {
			name = strings.TrimSpace(name)
			if !slices.Contains(scenarioNames, name) {
				return o, fmt.Errorf("reads: --only: unknown scenario %q (know %s)", name, strings.Join(scenarioNames, ", "))
			}
			if !slices.Contains(o.only, name) {
				o.only = append(o.only, name)
			}
		}
	}
	return o, nil
}

// readPassword is $ADUAN_LOAD_PASSWORD when set, else the first line of r
// (without its line ending).
func readPassword(getenv func(string) string, r io.Reader) (string, error) {
	if pw := getenv(passwordEnv); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reads: read the password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fmt.Errorf("reads: no password: give it as the first line of stdin or in %s", passwordEnv)
	}
	return pw, nil
}

// jakarta is the console's default zone (its date filters are read in it).
func jakarta() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return loc
}

// exportFrom is the start of the day, in loc, days days before now's day:
// what the console's from=YYYY-MM-DD means.
func exportFrom(now time.Time, days int, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d-days, 0, 0, 0, 0, loc)
}

// scenario is one measured request kind.
type scenario struct {
	name        string
	path        string             // path and query, from the base URL
	pathAt      func(i int) string // if set, the path of the i-th request (path is then an example)
	console     bool               // needs the session cookie
	n           int                // measured requests
	concurrency int                // 1: one after another
	target      time.Duration
	targetText  string
	check       func(body []byte) (string, error) // what the first response holds, or why it is wrong
}

// scenarios builds the scenarios of o (those in --only, if given). number is
// the tracking number for inbox-number; now picks the export period.
func scenarios(o readsOptions, number string, now time.Time) []scenario {
	const listTarget, dashTarget = 50 * time.Millisecond, 200 * time.Millisecond
	public := "/open311/v2/requests.json?page_size=20"
	inbox := func(q string) string { return "/console/inbox?" + q }
	from := exportFrom(now, o.exportDays, jakarta()).Format(time.DateOnly)
	dashboard := "/console/dashboard"
	if o.dashboard != "" {
		dashboard += "?" + o.dashboard
	}
	// Periods ending after today hold every report, and each is a cache key
	// of its own. The first day is picked from the clock's nanoseconds among
	// 50,000, so that a second run within the cache's minute does not find
	// the first one's figures either.
	y, m, d := now.In(jakarta()).Date()
	first := 366 + int(now.UnixNano()%50_000)
	uncached := func(i int) string {
		return "/console/dashboard?to=" + time.Date(y, m, d+first+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	all := []scenario{
		{name: "public-page1", path: public, n: o.n, target: listTarget, check: countJSON},
		{name: "public-page500", path: public + "&page=500", n: o.n, target: listTarget, check: countJSON},
		{name: "inbox-3-filters", path: inbox(o.inbox), console: true, n: o.n, target: listTarget, check: countInbox},
		{name: "inbox-number", path: inbox(url.Values{"q": {number}}.Encode()), console: true, n: o.n, target: listTarget,
			check: func(b []byte) (string, error) {
				if !bytes.Contains(b, []byte("/console/reports/"+number+`"`)) {
					return "", fmt.Errorf("%s not in the page", number)
				}
				return countInbox(b)
			}},
		{name: "inbox-text", path: inbox(url.Values{"q": {o.text}}.Encode()), console: true, n: o.n, target: listTarget, check: countInbox},
		{name: "dashboard", path: dashboard, console: true, n: o.n, target: dashTarget, check: nil},
		{name: "dashboard-uncached", path: uncached(0), pathAt: uncached, console: true, n: o.uncachedN, target: dashTarget, check: nil},
		{name: "export-csv", path: "/console/export.csv?" + url.Values{"from": {from}}.Encode(), console: true, n: o.exportN, check: countCSV},
		{name: "public-page1-c40", path: public, n: o.concurrentN, concurrency: o.concurrency, target: listTarget, check: countJSON},
	}
	var out []scenario
	for _, s := range all {
		if s.concurrency == 0 {
			s.concurrency = 1
		}
		if s.target > 0 {
			s.targetText = fmt.Sprintf("p99 < %d ms", s.target.Milliseconds())
		}
		if len(o.only) == 0 || slices.Contains(o.only, s.name) {
			out = append(out, s)
		}
	}
	return out
}

// countJSON is the length of an Open311 JSON list.
func countJSON(b []byte) (string, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return "", fmt.Errorf("not a JSON list: %w", err)
	}
	return fmt.Sprintf("%d items", len(items)), nil
}

var inboxRow = regexp.MustCompile(`<td class="num"><a href="/console/reports/([^"/]+)"`)

// countInbox is the number of rows on an inbox page.
func countInbox(b []byte) (string, error) {
	if !bytes.Contains(b, []byte("/console/logout")) && !bytes.Contains(b, []byte("<table")) {
		return "", errors.New("not an inbox page")
	}
	return fmt.Sprintf("%d rows", len(inboxRow.FindAllSubmatch(b, -1))), nil
}

// firstNumber is the first tracking number on an inbox page.
func firstNumber(b []byte) string {
	m := inboxRow.FindSubmatch(b)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// countCSV is the number of data rows of the export (quoted fields may hold
// newlines, so lines are not rows).
func countCSV(b []byte) (string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	rows := -1 // the header
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("bad CSV after %d rows: %w", rows, err)
		}
		rows++
	}
	return fmt.Sprintf("%d rows", max(rows, 0)), nil
}

// reader is an HTTP client with the console session.
type reader struct {
	base    string
	client  *http.Client
	timeout time.Duration
}

func newReader(base string, conns int, timeout time.Duration) (*reader, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: 90 * time.Second}
	return &reader{base: base, timeout: timeout, client: &http.Client{
		Transport: tr, Jar: jar,
		// A redirect is an answer to measure (or a lost session), not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

func (r *reader) close() { r.client.CloseIdleConnections() }

// login posts the console's login form the way a browser on the console's
// own page does (Origin and Sec-Fetch-Site: same-origin, which Go's
// CrossOriginProtection checks), and expects the 303 with a session cookie.
func (r *reader) login(ctx context.Context, email, password string) error {
	if _, _, err := r.get(ctx, "/console/login", true, false); err != nil {
		return fmt.Errorf("login page: %w", err)
	}
	form := url.Values{"email": {email}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/console/login", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sameOrigin(req, r.base)
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("login as %s: HTTP %d, want 303 (wrong password, locked out, or refused as cross-site?)", email, resp.StatusCode)
	}
	u, _ := url.Parse(r.base + "/console/")
	for _, c := range r.client.Jar.Cookies(u) {
		if c.Name == "aduan_console" && c.Value != "" {
			return nil
		}
	}
	return fmt.Errorf("login as %s: no session cookie in the answer", email)
}

// sameOrigin sets what a browser sends with a request from the console's
// own pages.
func sameOrigin(req *http.Request, base string) {
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
}

// get fetches path and reads the whole body (time to last byte); with keep,
// the body is returned. Anything but 200 is an error.
func (r *reader) get(ctx context.Context, path string, console, keep bool) ([]byte, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+path, nil)
	if err != nil {
		return nil, 0, err
	}
	if console {
		sameOrigin(req, r.base)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	var n int64
	if keep {
		n, err = io.Copy(&buf, resp.Body)
	} else {
		n, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return nil, n, fmt.Errorf("GET %s: body: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		where := ""
		if loc := resp.Header.Get("Location"); loc != "" {
			where = " to " + loc
		}
		return nil, n, fmt.Errorf("GET %s: HTTP %d%s", path, resp.StatusCode, where)
	}
	return buf.Bytes(), n, nil
}

// scenarioResult is what one scenario measured.
type scenarioResult struct {
	s            scenario
	lat          latencySummary
	errors       int
	firstErr     error
	wall         time.Duration
	bytes        int64
	what         string // what the first response held ("20 items")
	cpu          time.Duration
	before       procMem
	peak         procMem
	after        procMem
	rssSamples   int
	loadStart    string
	loadEnd      string
	measuredReqs int
}

func (r scenarioResult) throughput() float64 { return rate(r.measuredReqs, r.wall) }

func (r scenarioResult) verdict() string {
	switch {
	case r.s.target == 0:
		return "-"
	case r.errors > 0:
		return "errors"
	case r.lat.p99 < r.s.target:
		return "met"
	}
	return "missed"
}

// batch is what a run of requests gave.
type batch struct {
	lats     []time.Duration // of the 200 answers
	errors   int
	firstErr error
	bytes    int64
	reqs     int
	wall     time.Duration
	first    []byte // the body of the first request's answer, when asked for
}

// fire sends n GETs of s.path (or s.pathAt(offset), s.pathAt(offset+1), …)
// from conc clients, each taking the next request when its previous one is
// answered.
func (r *reader) fire(ctx context.Context, s scenario, n, conc, offset int, keepFirst bool) batch {
	var b batch
	b.lats = make([]time.Duration, 0, n)
	var mu sync.Mutex
	next := 0
	start := time.Now()
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				if next >= n {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				keep := keepFirst && i == 0
				t0 := time.Now()
				path := s.path
				if s.pathAt != nil {
					path = s.pathAt(offset + i)
				}
				body, size, err := r.get(ctx, path, s.console, keep)
				d := time.Since(t0)
				mu.Lock()
				b.reqs++
				b.bytes += size
				if err != nil {
					b.errors++
					if b.firstErr == nil {
						b.firstErr = err
					}
				} else {
					b.lats = append(b.lats, d)
					if keep {
						b.first = body
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.wall = time.Since(start)
	return b
}

// runScenario measures s: warmup unmeasured rounds (warmup × s.concurrency
// requests, at s.concurrency, so that every client's connection is open),
// then s.n requests from s.concurrency clients, sampling the serve process
// meanwhile.
func (r *reader) runScenario(ctx context.Context, s scenario, warmup int, p proc, interval time.Duration) (scenarioResult, error) {
	res := scenarioResult{s: s}
	var firstBody []byte
	if warmup > 0 {
		w := r.fire(ctx, s, warmup*s.concurrency, s.concurrency, 0, true)
		if w.firstErr != nil {
			return res, fmt.Errorf("%s: warmup: %w", s.name, w.firstErr)
		}
		firstBody = w.first
	}
	var err error
	if res.before, err = p.mem(); err != nil {
		return res, err
	}
	cpu0, err := p.cpu()
	if err != nil {
		return res, err
	}
	res.loadStart = loadAvg()
	watch := watchRSS(p, interval)
	b := r.fire(ctx, s, s.n, s.concurrency, warmup*s.concurrency, firstBody == nil)
	res.peak, res.rssSamples, err = watch.finish()
	if err != nil {
		return res, err
	}
	cpu1, err := p.cpu()
	if err != nil {
		return res, err
	}
	res.cpu = cpu1 - cpu0
	if res.after, err = p.mem(); err != nil {
		return res, err
	}
	res.loadEnd = loadAvg()
	res.lat = summarize(b.lats)
	res.errors, res.firstErr, res.bytes, res.measuredReqs, res.wall = b.errors, b.firstErr, b.bytes, b.reqs, b.wall
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if firstBody == nil {
		firstBody = b.first
	}
	if s.check != nil && firstBody != nil {
		what, err := s.check(firstBody)
		if err != nil {
			return res, fmt.Errorf("%s: unexpected answer: %w", s.name, err)
		}
		res.what = what
	}
	return res, nil
}

func runReads(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := parseReadsFlags(args, stderr)
	if err != nil {
		return err
	}
	password, err := readPassword(os.Getenv, stdin)
	if err != nil {
		return err
	}
	p := proc{pid: o.pid}
	if _, err := p.mem(); err != nil {
		return fmt.Errorf("reads: --pid: %w", err)
	}
	r, err := newReader(o.base, o.concurrency, o.timeout)
	if err != nil {
		return err
	}
	defer r.close()
	start, err := p.mem()
	if err != nil {
		return err
	}
	if err := r.login(ctx, o.email, password); err != nil {
		return err
	}
	number := o.number
	if number == "" {
		b, _, err := r.get(ctx, "/console/inbox", true, true)
		if err != nil {
			return fmt.Errorf("reads: inbox after login: %w", err)
		}
		if number = firstNumber(b); number == "" {
			return errors.New("reads: the inbox is empty: seed reports first (aduan-load seed)")
		}
	}
	fmt.Fprintf(stdout, "aduan-load reads  %s  as %s  number %s  load %s\n", o.base, o.email, number, loadAvg())
	if p.watched() {
		fmt.Fprintf(stdout, "serve pid %d      VmRSS %.1f MiB  VmHWM %.1f MiB before the first request\n", o.pid, start.rssMiB(), start.hwmMiB())
	}
	var results []scenarioResult
	for i, s := range scenarios(o, number, time.Now()) {
		if i > 0 && o.pause > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(o.pause):
			}
		}
		fmt.Fprintf(stderr, "%-18s %d requests, %d at a time: %s\n", s.name, s.n, s.concurrency, s.path)
		res, err := r.runScenario(ctx, s, o.warmup, p, o.interval)
		if err != nil {
			return err
		}
		printResult(stdout, res, p.watched())
		results = append(results, res)
	}
	end, err := p.mem()
	if err != nil {
		return err
	}
	printTable(stdout, results, p.watched())
	if p.watched() {
		fmt.Fprintf(stdout, "\nserve RSS          before %.1f MiB, after %.1f MiB, peak (VmHWM) %.1f MiB\n", start.rssMiB(), end.rssMiB(), end.hwmMiB())
	}
	for _, res := range results {
		if res.errors > 0 {
			return fmt.Errorf("reads: %s: %d of %d requests failed, first: %v", res.s.name, res.errors, res.measuredReqs, res.firstErr)
		}
	}
	return nil
}

func fmtMS(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func fmtBytes(n float64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", n/(1<<10))
	}
	return fmt.Sprintf("%.0f B", n)
}

func printResult(w io.Writer, r scenarioResult, mem bool) {
	fmt.Fprintf(w, "%-18s n=%d c=%d ok=%d err=%d  p50 %s  p90 %s  p99 %s  max %s ms  %.1f req/s  %s/resp",
		r.s.name, r.measuredReqs, r.s.concurrency, r.lat.n, r.errors, fmtMS(r.lat.p50), fmtMS(r.lat.p90), fmtMS(r.lat.p99),
		fmtMS(r.lat.max), r.throughput(), fmtBytes(float64(r.bytes)/float64(max(r.measuredReqs, 1))))
	if r.what != "" {
		fmt.Fprintf(w, " (%s)", r.what)
	}
	if mem {
		fmt.Fprintf(w, "  serve CPU %.2f ms/req  RSS %.1f→%.1f MiB (max %.1f, %d samples)",
			float64(r.cpu.Microseconds())/1000/float64(max(r.measuredReqs, 1)), r.before.rssMiB(), r.after.rssMiB(), r.peak.rssMiB(), r.rssSamples)
	}
	fmt.Fprintf(w, "  load %s → %s", r.loadStart, r.loadEnd)
	if r.s.targetText != "" {
		fmt.Fprintf(w, "  [%s: %s]", r.s.targetText, r.verdict())
	}
	fmt.Fprintln(w)
	if r.firstErr != nil {
		fmt.Fprintf(w, "%-18s first error: %v\n", "", r.firstErr)
	}
}

// printTable repeats the results as a Markdown table (for docs/performance.md).
func printTable(w io.Writer, rs []scenarioResult, mem bool) {
	fmt.Fprintln(w)
	head := "| scenario | requests × clients | p50 ms | p90 ms | p99 ms | max ms | req/s | bytes/resp | answer |"
	sep := "|---|---|---|---|---|---|---|---|---|"
	if mem {
		head += " serve CPU ms/req | RSS max MiB |"
		sep += "---|---|"
	}
	fmt.Fprintln(w, head+" target |")
	fmt.Fprintln(w, sep+"---|")
	for _, r := range rs {
		line := fmt.Sprintf("| %s | %d × %d | %s | %s | %s | %s | %.0f | %s | %s |", r.s.name, r.measuredReqs, r.s.concurrency,
			fmtMS(r.lat.p50), fmtMS(r.lat.p90), fmtMS(r.lat.p99), fmtMS(r.lat.max), r.throughput(),
			fmtBytes(float64(r.bytes)/float64(max(r.measuredReqs, 1))), r.what)
		if mem {
			line += fmt.Sprintf(" %.2f | %.1f |", float64(r.cpu.Microseconds())/1000/float64(max(r.measuredReqs, 1)), r.peak.rssMiB())
		}
		target := "-"
		if r.s.targetText != "" {
			target = r.s.targetText + ": " + r.verdict()
		}
		fmt.Fprintln(w, line+" "+target+" |")
	}
}
