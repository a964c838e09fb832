package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseProcStatus(t *testing.T) {
	const sample = "Name:\taduan\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 1893012 kB\nVmSize:\t 1827476 kB\n" +
		"VmLck:\t       0 kB\nVmHWM:\t   61236 kB\nVmRSS:\t   41236 kB\nRssAnon:\t   20000 kB\nThreads:\t12\n"
	tests := []struct {
		name    string
		in      string
		want    procMem
		wantErr string
	}{
		{"a real status file", sample, procMem{rssKB: 41236, hwmKB: 61236}, ""},
		{"order does not matter", "VmRSS:\t5 kB\nVmHWM:\t7 kB\n", procMem{rssKB: 5, hwmKB: 7}, ""},
		{"no trailing newline", "VmHWM:\t7 kB\nVmRSS:\t5 kB", procMem{rssKB: 5, hwmKB: 7}, ""},
		{"RssAnon is not VmRSS", "RssAnon:\t9 kB\nVmHWM:\t7 kB\n", procMem{}, "no VmRSS"},
		{"kernel thread: no Vm lines", "Name:\tkthreadd\nState:\tS\n", procMem{}, "no VmRSS"},
		{"empty", "", procMem{}, "no VmRSS"},
		{"unit other than kB", "VmRSS:\t5 MB\nVmHWM:\t7 kB\n", procMem{}, "want"},
		{"not a number", "VmRSS:\tlots kB\nVmHWM:\t7 kB\n", procMem{}, "bad number"},
		{"negative", "VmRSS:\t-5 kB\nVmHWM:\t7 kB\n", procMem{}, "bad number"},
		{"missing unit", "VmRSS:\t5\nVmHWM:\t7 kB\n", procMem{}, "want"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStatus(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseProcStatus = %+v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseProcStatus = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	if m := (procMem{rssKB: 3072, hwmKB: 512}); m.rssMiB() != 3 || m.hwmMiB() != 0.5 {
		t.Errorf("MiB of %+v = %v, %v", m, m.rssMiB(), m.hwmMiB())
	}
}

func TestParseProcStatCPU(t *testing.T) {
	rest := " S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 12 0 100 2000 300"
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr bool
	}{
		{"plain", "4242 (aduan)" + rest, 300, false},
		{"command with spaces and parentheses", "4242 (a (b) c)" + rest, 300, false},
		{"command with a ') S 1' inside", "4242 (x) S 1 9 9 9 9 9 9 9 9 9 9 9)" + rest, 300, false},
		{"no command", "4242 aduan S", 0, true},
		{"too few fields", "4242 (aduan) S 1 2 3", 0, true},
		{"not a number", "4242 (aduan) S 1 2 3 4 5 6 7 8 9 10 x 50 0", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcStatCPU(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseProcStatCPU(%q) = %d, %v; want %d (error: %v)", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if d := ticksToDuration(250); d != 2500*time.Millisecond {
		t.Errorf("ticksToDuration(250) = %v", d)
	}
}

func TestProcOfThisProcess(t *testing.T) {
	p := proc{pid: os.Getpid()}
	m, err := p.mem()
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if m.rssKB <= 0 || m.hwmKB < m.rssKB {
		t.Errorf("own memory %+v: want 0 < VmRSS <= VmHWM", m)
	}
	if _, err := p.cpu(); err != nil {
		t.Errorf("own CPU: %v", err)
	}
	w := watchRSS(p, time.Millisecond)
	time.Sleep(10 * time.Millisecond)
	peak, n, err := w.finish()
	if err != nil || n < 2 || peak.rssKB <= 0 {
		t.Errorf("watch: peak %+v, %d samples, %v", peak, n, err)
	}
	// Not watched: zero values, no error, no samples.
	if m, err := (proc{}).mem(); err != nil || m != (procMem{}) {
		t.Errorf("unwatched mem = %+v, %v", m, err)
	}
	if _, n, err := watchRSS(proc{}, time.Millisecond).finish(); n != 0 || err != nil {
		t.Errorf("unwatched watch: %d samples, %v", n, err)
	}
	if _, err := (proc{pid: 1 << 30}).mem(); err == nil {
		t.Error("a process that does not exist: no error")
	}
}

func TestParseReadsFlags(t *testing.T) {
	base := []string{"--email", "ratna@example.id"}
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, o readsOptions)
	}{
		{"defaults", base, "", func(t *testing.T, o readsOptions) {
			if o.base != "http://127.0.0.1:8080" || o.n != 200 || o.exportN != 20 || o.concurrency != 40 ||
				o.concurrentN != 1000 || o.warmup != 5 || o.text != "diangkut" || o.exportDays != 37 || o.only != nil || o.pid != 0 ||
				o.uncachedN != 50 {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{"everything set", append(slices.Clone(base), "--base", "http://localhost:9000/", "--pid", "77", "--n", "1000",
			"--concurrency", "8", "--concurrent-n", "64", "--only", "dashboard, inbox-text,dashboard", "--export-days", "366"), "",
			func(t *testing.T, o readsOptions) {
				if o.base != "http://localhost:9000" || o.pid != 77 || o.n != 1000 || o.concurrency != 8 || o.concurrentN != 64 ||
					!slices.Equal(o.only, []string{"dashboard", "inbox-text"}) || o.exportDays != 366 {
					t.Errorf("parsed: %+v", o)
				}
			}},
		{"concurrent-n follows n", append(slices.Clone(base), "--n", "10"), "", func(t *testing.T, o readsOptions) {
			if o.concurrentN != 50 {
				t.Errorf("concurrent-n = %d, want 5 × 10", o.concurrentN)
			}
		}},
		{"no email", nil, "--email is required", nil},
		{"remote base", append(slices.Clone(base), "--base", "http://10.1.2.3:8080"), "refused", nil},
		{"base with a path", append(slices.Clone(base), "--base", "http://127.0.0.1:8080/console"), "scheme://host:port only", nil},
		{"base not http", append(slices.Clone(base), "--base", "ftp://127.0.0.1"), "scheme", nil},
		{"zero requests", append(slices.Clone(base), "--n", "0"), "--n must be", nil},
		{"zero uncached requests", append(slices.Clone(base), "--uncached-n", "0"), "--uncached-n must be", nil},
		{"too many clients", append(slices.Clone(base), "--concurrency", "5000"), "--concurrency must be", nil},
		{"negative pid", append(slices.Clone(base), "--pid", "-1"), "--pid", nil},
		{"export days past the seed", append(slices.Clone(base), "--export-days", "400"), "--export-days", nil},
		{"empty text", append(slices.Clone(base), "--text", " "), "--text", nil},
		{"unknown scenario", append(slices.Clone(base), "--only", "dashboard,graphs"), `unknown scenario "graphs"`, nil},
		{"bad inbox query", append(slices.Clone(base), "--inbox", "status=%zz"), "--inbox", nil},
		{"bad dashboard query", append(slices.Clone(base), "--dashboard", "from=%zz"), "--dashboard", nil},
		{"stray argument", append(slices.Clone(base), "extra"), "unexpected arguments", nil},
		{"unknown flag", append(slices.Clone(base), "--fast"), "not defined", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseReadsFlags(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseReadsFlags(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseReadsFlags(%q): %v", tt.args, err)
			}
			tt.check(t, o)
		})
	}
}

func TestParseSeedFlags(t *testing.T) {
	pg := "postgres://postgres@127.0.0.1:5432/aduan_bench?sslmode=disable"
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"postgres on loopback", []string{"--database", pg, "--reports", "100000"}, ""},
		{"postgresql scheme, localhost", []string{"--database", "postgresql://u:secret@localhost/x", "--reports", "1"}, ""},
		{"postgres on a unix socket", []string{"--database", "postgres:///aduan?host=/var/run/postgresql", "--reports", "1"}, ""},
		{"postgres on ::1", []string{"--database", "postgres://[::1]:5432/x", "--reports", "1"}, ""},
		{"sqlite", []string{"--database", "sqlite:/tmp/x/aduan.db", "--reports", "10000", "--seed", "7"}, ""},
		{"plain path", []string{"--database", "/tmp/x/aduan.db", "--reports", "10"}, ""},
		{"no database", []string{"--reports", "10"}, "--database is required"},
		{"no reports", []string{"--database", pg}, "--reports must be"},
		{"too many reports", []string{"--database", pg, "--reports", "20000000"}, "--reports must be"},
		{"remote postgres", []string{"--database", "postgres://u:secret@db.example.id/aduan", "--reports", "1"}, "refused"},
		{"remote host in the query", []string{"--database", "postgres:///aduan?host=10.0.0.1", "--reports", "1"}, "refused"},
		{"one of several hosts remote", []string{"--database", "postgres://127.0.0.1:5432,10.0.0.2:5432/aduan", "--reports", "1"}, "refused"},
		{"another scheme", []string{"--database", "mysql://127.0.0.1/x", "--reports", "1"}, "want postgres"},
		{"stray argument", []string{"--database", pg, "--reports", "1", "now"}, "unexpected arguments"},
		{"zero timeout", []string{"--database", pg, "--reports", "1", "--timeout", "0s"}, "--timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseSeedFlags(tt.args, io.Discard)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("parseSeedFlags(%q): %v", tt.args, err)
				}
				if o.database == "" || o.reports < 1 {
					t.Fatalf("parsed %+v", o)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseSeedFlags(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func TestReadPassword(t *testing.T) {
	tests := []struct {
		name, env, stdin, want string
		wantErr                bool
	}{
		{"first line of stdin", "", "s3cret pass\nsecond line\n", "s3cret pass", false},
		{"CRLF", "", "pw\r\n", "pw", false},
		{"no newline", "", "pw", "pw", false},
		{"the variable wins", "from-env", "from-stdin\n", "from-env", false},
		{"nothing", "", "", "", true},
		{"empty first line", "", "\npw\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == passwordEnv {
					return tt.env
				}
				return ""
			}
			got, err := readPassword(getenv, strings.NewReader(tt.stdin))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("readPassword = %q, %v; want %q (error: %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestExportFrom(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	tests := []struct {
		name string
		now  time.Time
		days int
		want string
	}{
		{"midday", time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC), 37, "2026-10-26"},
		// 20:00 UTC is already the next day in Jakarta.
		{"evening UTC is tomorrow in WIB", time.Date(2026, 12, 1, 20, 0, 0, 0, time.UTC), 1, "2026-12-01"},
		{"across a year", time.Date(2026, 1, 10, 5, 0, 0, 0, time.UTC), 366, "2025-01-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := exportFrom(tt.now, tt.days, wib)
			if got.Format(time.DateOnly) != tt.want || got.Hour() != 0 || got.Location() != wib {
				t.Errorf("exportFrom(%v, %d) = %v, want %s 00:00 WIB", tt.now, tt.days, got, tt.want)
			}
		})
	}
}

func TestScenarios(t *testing.T) {
	o, err := parseReadsFlags([]string{"--email", "a@b.id", "--n", "10", "--export-n", "3", "--uncached-n", "4"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	all := scenarios(o, "SDA-ABC123", now)
	var names []string
	for _, s := range all {
		names = append(names, s.name)
	}
	if !slices.Equal(names, scenarioNames) {
		t.Fatalf("scenarios %v, want %v", names, scenarioNames)
	}
	want := map[string]struct {
		path    string
		console bool
		n, c    int
		target  time.Duration
	}{
		"public-page1":    {"/open311/v2/requests.json?page_size=20", false, 10, 1, 50 * time.Millisecond},
		"public-page500":  {"/open311/v2/requests.json?page_size=20&page=500", false, 10, 1, 50 * time.Millisecond},
		"inbox-3-filters": {"/console/inbox?status=in_progress&category=jalan&kecamatan=Waru", true, 10, 1, 50 * time.Millisecond},
		"inbox-number":    {"/console/inbox?q=SDA-ABC123", true, 10, 1, 50 * time.Millisecond},
		"inbox-text":      {"/console/inbox?q=diangkut", true, 10, 1, 50 * time.Millisecond},
		"dashboard":       {"/console/dashboard", true, 10, 1, 200 * time.Millisecond},
		// now is a whole second: UnixNano % 50,000 = 0, so the first day is 366 days on.
		"dashboard-uncached": {"/console/dashboard?to=2027-12-03", true, 4, 1, 200 * time.Millisecond},
		"export-csv":         {"/console/export.csv?from=2026-10-26", true, 3, 1, 0},
		"public-page1-c40":   {"/open311/v2/requests.json?page_size=20", false, 50, 40, 50 * time.Millisecond},
	}
	for _, s := range all {
		w := want[s.name]
		if s.path != w.path || s.console != w.console || s.n != w.n || s.concurrency != w.c || s.target != w.target {
			t.Errorf("%s: %+v, want %+v", s.name, s, w)
		}
		if (s.target > 0) != (s.targetText != "") {
			t.Errorf("%s: target %v but text %q", s.name, s.target, s.targetText)
		}
	}
	var un scenario
	for _, s := range all {
		if s.name == "dashboard-uncached" {
			un = s
		}
	}
	if un.pathAt == nil || un.pathAt(0) != un.path || un.pathAt(1) != "/console/dashboard?to=2027-12-04" || un.pathAt(40) != "/console/dashboard?to=2028-01-12" {
		t.Errorf("dashboard-uncached paths: %q %q %q", un.path, un.pathAt(1), un.pathAt(40))
	}
	o.only = []string{"dashboard-uncached"}
	if again := scenarios(o, "x", now.Add(17)); again[0].path != "/console/dashboard?to=2027-12-20" {
		t.Errorf("a run 17 ns later starts at %q, want 17 days later", again[0].path)
	}
	o.only = []string{"export-csv", "dashboard"}
	o.text = "jl. raya & no. 5"
	got := scenarios(o, "SDA-ABC123", now)
	if len(got) != 2 || got[0].name != "dashboard" || got[1].name != "export-csv" {
		t.Errorf("--only export-csv,dashboard: %v (want the run order)", got)
	}
	o.only, o.dashboard = []string{"dashboard"}, "from=2026-09-01"
	if got := scenarios(o, "x", now); len(got) != 1 || got[0].path != "/console/dashboard?from=2026-09-01" {
		t.Errorf("--dashboard: %+v", got)
	}
	o.only = []string{"inbox-text"}
	if got := scenarios(o, "x", now); len(got) != 1 || got[0].path != "/console/inbox?q=jl.+raya+%26+no.+5" {
		t.Errorf("text is not escaped: %+v", got)
	}
}

func TestChecks(t *testing.T) {
	inbox := `<html><a href="/console/logout">x</a><table>` +
		`<tr><td class="num"><a href="/console/reports/SDA-AAA111">SDA-AAA111</a></td><td><a href="/console/reports/SDA-AAA111">t</a></td></tr>` +
		`<tr><td class="num"><a href="/console/reports/SDA-BBB222">SDA-BBB222</a></td></tr></table>`
	csvBody := "\ufeffNomor,Judul,Tambahan warga\nSDA-1,a,\"line one\nline two\"\nSDA-2,b,\n"
	tests := []struct {
		name    string
		fn      func([]byte) (string, error)
		body    string
		want    string
		wantErr bool
	}{
		{"json list", countJSON, `[{"service_request_id":"SDA-1"},{"service_request_id":"SDA-2"}]`, "2 items", false},
		{"empty json list (page past the end)", countJSON, `[]`, "0 items", false},
		{"json error object", countJSON, `{"code":400}`, "", true},
		{"inbox rows", countInbox, inbox, "2 rows", false},
		{"empty inbox", countInbox, `<a href="/console/logout">`, "0 rows", false},
		{"login page is not an inbox", countInbox, `<form action="/console/login">`, "", true},
		{"csv rows with a multi-line cell", countCSV, csvBody, "2 rows", false},
		{"header only", countCSV, "\ufeffNomor,Judul\n", "0 rows", false},
		{"broken csv", countCSV, "a,\"b\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn([]byte(tt.body))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("= %q, %v; want %q (error: %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if n := firstNumber([]byte(inbox)); n != "SDA-AAA111" {
		t.Errorf("firstNumber = %q", n)
	}
	if n := firstNumber([]byte("<table></table>")); n != "" {
		t.Errorf("firstNumber of an empty inbox = %q", n)
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		target, p99 time.Duration
		errors      int
		want        string
	}{
		{0, ms(900), 0, "-"},
		{ms(50), ms(49), 0, "met"},
		{ms(50), ms(50), 0, "missed"},
		{ms(200), ms(250), 0, "missed"},
		{ms(50), ms(1), 3, "errors"},
	}
	for _, tt := range tests {
		r := scenarioResult{s: scenario{target: tt.target}, lat: latencySummary{p99: tt.p99}, errors: tt.errors}
		if got := r.verdict(); got != tt.want {
			t.Errorf("target %v p99 %v errors %d: %q, want %q", tt.target, tt.p99, tt.errors, got, tt.want)
		}
	}
}

func TestFmtBytes(t *testing.T) {
	tests := []struct {
		n    float64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1536, "1.5 KiB"}, {5 << 20, "5.0 MiB"}}
	for _, tt := range tests {
		if got := fmtBytes(tt.n); got != tt.want {
			t.Errorf("fmtBytes(%v) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// fakeConsole answers like aduan serve's console and Open311 list, behind
// Go's CrossOriginProtection as the console is, and insists on the headers
// a browser sends with the login form.
func fakeConsole(t *testing.T, password string) *httptest.Server {
	t.Helper()
	const cookie = "aduan_console"
	mux := http.NewServeMux()
	loggedIn := func(w http.ResponseWriter, r *http.Request) bool {
		if c, err := r.Cookie(cookie); err != nil || c.Value != "tok" {
			http.Redirect(w, r, "/console/login?next="+r.URL.Path, http.StatusSeeOther)
			return false
		}
		return true
	}
	mux.HandleFunc("GET /console/login", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<form method="post" action="/console/login">`)
	})
	mux.HandleFunc("POST /console/login", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Sec-Fetch-Site") != "same-origin" || r.Header.Get("Origin") == "" {
			http.Error(w, "cross-site", http.StatusForbidden)
			return
		}
		if r.FormValue("email") != "ratna@example.id" || r.FormValue("password") != password {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: cookie, Value: "tok", Path: "/console", HttpOnly: true})
		http.Redirect(w, r, "/console/inbox", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /console/inbox", func(w http.ResponseWriter, r *http.Request) {
		if !loggedIn(w, r) {
			return
		}
		fmt.Fprint(w, `<a href="/console/logout">out</a><table>`)
		if q := r.URL.Query().Get("q"); q == "" || q == "SDA-NEW001" {
			fmt.Fprint(w, `<tr><td class="num"><a href="/console/reports/SDA-NEW001">SDA-NEW001</a></td></tr>`)
		}
		fmt.Fprint(w, `</table>`)
	})
	mux.HandleFunc("GET /console/dashboard", func(w http.ResponseWriter, r *http.Request) {
		if loggedIn(w, r) {
			fmt.Fprint(w, `<h1>Dasbor</h1>`)
		}
	})
	mux.HandleFunc("GET /console/export.csv", func(w http.ResponseWriter, r *http.Request) {
		if loggedIn(w, r) {
			fmt.Fprint(w, "\ufeffNomor,Judul\nSDA-NEW001,Jalan\n")
		}
	})
	mux.HandleFunc("GET /open311/v2/requests.json", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "500" {
			fmt.Fprint(w, `[]`)
			return
		}
		fmt.Fprint(w, `[{"service_request_id":"SDA-NEW001"}]`)
	})
	cop := http.NewCrossOriginProtection()
	srv := httptest.NewServer(cop.Handler(mux))
	t.Cleanup(srv.Close)
	return srv
}

func TestReadsEndToEndAgainstAFakeConsole(t *testing.T) {
	t.Setenv(passwordEnv, "")
	srv := fakeConsole(t, "pw pw")
	var out, errOut bytes.Buffer
	var args []string
	for _, warmup := range []string{"0", "1"} { // the answer checked: the first measured one, or the warmup's
		args = []string{"--base", srv.URL, "--email", "ratna@example.id", "--pid", fmt.Sprint(os.Getpid()),
			"--n", "6", "--concurrency", "3", "--warmup", warmup, "--pause", "0s", "--rss-interval", "5ms"}
		out.Reset()
		if err := runReads(context.Background(), args, strings.NewReader("pw pw\n"), &out, &errOut); err != nil {
			t.Fatalf("runReads: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
		}
		got := out.String()
		for _, want := range []string{
			"number SDA-NEW001",
			"public-page1       n=6 c=1 ok=6 err=0", "(1 items)",
			"public-page500     n=6 c=1 ok=6 err=0", "(0 items)",
			"inbox-number       n=6 c=1 ok=6 err=0", "(1 rows)",
			"export-csv         n=20 c=1 ok=20 err=0",
			"dashboard-uncached n=50 c=1 ok=50 err=0",
			"public-page1-c40   n=30 c=3 ok=30 err=0",
			"| scenario | requests × clients |", "| dashboard | 6 × 1 |", "| public-page1-c40 | 30 × 3 |",
			"serve RSS          before",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("--warmup %s: output lacks %q:\n%s", warmup, want, got)
			}
		}
	}

	// A wrong password stops before any scenario.
	out.Reset()
	err := runReads(context.Background(), args, strings.NewReader("wrong\n"), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestSameOriginHeadersAreWhatTheProtectionWants(t *testing.T) {
	// Without them, a form POST that carries a foreign Origin is refused;
	// with them it passes: the reads mode is not a cross-site request.
	cop := http.NewCrossOriginProtection()
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/console/login", nil)
	req.Header.Set("Origin", "http://evil.example")
	if cop.Check(req) == nil {
		t.Fatal("a foreign Origin passed the protection: the test proves nothing")
	}
	req = httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/console/login", nil)
	sameOrigin(req, "http://127.0.0.1:8080")
	if err := cop.Check(req); err != nil {
		t.Errorf("same-origin headers refused: %v", err)
	}
}

func TestRunDispatchesModes(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"seed"}, "--database is required"},
		{[]string{"reads"}, "--email is required"},
		{[]string{"reads", "--email", "a@b.id", "--base", "http://192.0.2.1"}, "refused"},
		// Anything else is the webhook load mode's flags.
		{[]string{"--citizens", "0"}, "--citizens must be"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestSeedSQLiteUpToN(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a SQLite file")
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "aduan.db")
	var out bytes.Buffer
	for _, n := range []string{"30", "50", "40"} {
		out.Reset()
		if err := runSeed(context.Background(), []string{"--database", dsn, "--reports", n}, &out, io.Discard); err != nil {
			t.Fatalf("seed --reports %s: %v\n%s", n, err, out.String())
		}
	}
	// 30, then 20 more (seed 1+30), then nothing: 40 < 50.
	if got := out.String(); !strings.Contains(got, "holds 50 reports already") || !strings.Contains(got, "now                 50 reports") {
		t.Errorf("third run:\n%s", got)
	}
}
