package console

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aduan-id/aduan/bot"
	"github.com/aduan-id/aduan/bot/telegram/telegramtest"
)

// TestBrowserEndToEnd drives the console in headless chromium: an agency
// admin logs in, filters the inbox, opens a report, replies and changes its
// status — and the citizen's Telegram chat receives both — and cannot open
// another agency's report. A supervisor then opens the dashboard.
// Screenshots land in testdata/artifacts/ (and docs/ with -update-docs).
func TestBrowserEndToEnd(t *testing.T) {
	ctx := browserCtx(t, 1280, 900)
	w := newE2EWorld(t)
	accts := w.con.accounts
	if err := accts.Add(ctxT(t), Account{Email: "rudi@dpubmsda.sidoarjo.go.id", Name: "Rudi Hartono", Role: RoleAgency, Agency: "DPUBMSDA"}, testPassword); err != nil {
		t.Fatal(err)
	}
	if err := accts.Add(ctxT(t), Account{Email: "ratna@sidoarjo.go.id", Name: "Ratna Sari", Role: RoleSupervisor}, testPassword); err != nil {
		t.Fatal(err)
	}
	base := w.srv.URL
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	waitFor := waitJS
	const listJS = `[...document.querySelectorAll("td.num a")].map(a => a.textContent).join(" ")`
	// expectListed waits until the inbox lists want (a page may still be
	// settling), and fails with what it lists instead.
	expectListed := func(what string, want []string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, waitFor(listJS+` === "`+strings.Join(want, " ")+`"`)); err != nil {
			t.Fatalf("%s lists %q, want %v", what, eval(listJS), want)
		}
	}
	login := func(email string) {
		do("login "+email,
			chromedp.Navigate(base+"/console/"),
			waitFor(`document.querySelector("input[name=email]") !== null`),
			jsSet(`input[name=email]`, email),
			jsSet(`input[name=password]`, testPassword),
			jsClick(`form button[type=submit]`),
			waitFor(`location.pathname === "/console/inbox" && document.querySelector("table.list") !== null`),
		)
	}

	// 1. The agency admin sees their agency's reports only.
	login("rudi@dpubmsda.sidoarjo.go.id")
	expectListed("the inbox", []string{"SDA-JLN010", "SDA-BJR004", "SDA-JLN001", "SDA-JLN002", "SDA-JLN005", "SDA-BJR003"})
	do("inbox screenshot", shot("console-inbox.png"))

	// 2. Filter: roads in Waru.
	do("filter",
		jsSet(`select[name=category]`, "jalan"),
		jsSet(`select[name=kecamatan]`, "Waru"),
		jsClick(`form.filters button[type=submit]`),
		waitFor(`location.search.includes("category=jalan") && location.search.includes("kecamatan=Waru")`),
	)
	expectListed("the filtered inbox", []string{"SDA-JLN010", "SDA-JLN001"})

	// 3. Open a report: photos load through the console, PII is masked.
	do("open report",
		jsClick(`a[href="/console/reports/SDA-JLN001"]`),
		waitFor(`location.pathname === "/console/reports/SDA-JLN001"`),
		waitFor(`[...document.querySelectorAll(".photos img")].length === 2 && [...document.querySelectorAll(".photos img")].every(i => i.complete && i.naturalWidth > 0)`),
	)
	page := eval(`document.querySelector("main").innerText`)
	for _, want := range []string{"Jalan berlubang besar di depan Pasar Waru", "S*** R***", "0812******90", "Sudah dikoordinasikan dengan UPT Jalan"} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	if strings.Contains(page, "Siti Rahayu") || strings.Contains(page, "081234567890") {
		t.Error("report page shows the reporter's name or phone to an agency admin")
	}

	// 4. Reply: queued on the outbound stream for the citizen's chat, then
	// delivered by the reply sender to Telegram.
	do("canned reply fills the box",
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("select[name=canned]"); s.value = "1"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`),
		waitFor(`document.querySelector("#reply-text").value.startsWith("Laporan Anda sudah kami teruskan")`),
	)
	const reply = "Terima kasih, Bu. Tim UPT Jalan Waru akan menambal lubang ini hari Kamis."
	do("reply",
		jsSet(`#reply textarea[name=text]`, reply),
		jsClick(`#reply button[type=submit]`),
		waitFor(`location.search.includes("ok=reply.sent") && document.querySelector(".flash") !== null`),
	)
	q := w.queued(bot.ChannelTelegram, "5001")
	if len(q) != 1 || !strings.Contains(q[0].Text, reply) || !q[0].Notice {
		t.Fatalf("outbound for telegram chat 5001: %+v, want one notice with the reply", q)
	}
	for _, other := range []string{"5002", "5003", "5006"} {
		if n := len(w.queued(bot.ChannelTelegram, other)); n != 0 {
			t.Errorf("%d messages queued for chat %s", n, other)
		}
	}
	done, relayed := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); _ = w.sender.Run(w.run) }()
	go func() { defer close(relayed); _ = w.relay.Run(w.run) }()
	t.Cleanup(func() { w.stop(); <-done; <-relayed })
	sentTo := func(chat, text string) func([]telegramtest.Call) bool {
		return func(calls []telegramtest.Call) bool {
			for _, c := range calls {
				if c.Method == "sendMessage" && c.Form["chat_id"] == chat && strings.Contains(c.Form["text"], text) {
					return true
				}
			}
			return false
		}
	}
	w.tg.WaitFor(t, 15*time.Second, "the reply on Telegram", sentTo("5001", reply))

	// 5. Change status with a note: the citizen is notified.
	const note = "Penambalan dijadwalkan Kamis pagi."
	do("status",
		jsSet(`select[name=status]`, "in_progress"),
		jsSet(`textarea[name=note]`, note),
		jsClick(`form[action$="/status"] button[type=submit]`),
		waitFor(`location.search.includes("ok=status.changed")`),
	)
	w.tg.WaitFor(t, 15*time.Second, "the status notice on Telegram", sentTo("5001", note))
	if r, err := w.svc.Get(ctxT(t), "SDA-JLN001"); err != nil || r.Status != "in_progress" {
		t.Fatalf("status after the form: %v %v", r.Status, err)
	}
	do("report screenshot", chromedp.Navigate(base+"/console/reports/SDA-JLN001"),
		waitFor(`document.querySelectorAll(".delivery.sent").length === 2`), shot("console-report.png"))

	// 5b. The citizen blocked the bot: the next reply fails, the timeline
	// says so, "Gagal terkirim" lists it; once the citizen writes again, a
	// retry delivers it, once.
	w.tg.Fail("sendMessage", "5001", telegramtest.Blocked, 1)
	const lost = "Mohon kirim foto terbaru lubangnya."
	do("reply to a blocked chat",
		jsSet(`#reply textarea[name=text]`, lost),
		jsClick(`#reply button[type=submit]`),
		waitFor(`location.search.includes("ok=reply.sent")`),
	)
	do("timeline shows the failure",
		chromedp.Navigate(base+"/console/reports/SDA-JLN001"),
		waitFor(`(() => { const f = document.querySelector(".delivery.failed"); if (f) return true; location.reload(); return false; })()`),
	)
	do("dead letters page", chromedp.Navigate(base+"/console/dead-letters"),
		waitFor(`document.querySelector("table.list a[href='/console/reports/SDA-JLN001']") !== null`))
	if got := eval(`document.querySelector("main").innerText`); !strings.Contains(got, "Pesan ke warga tidak terkirim") {
		t.Errorf("dead letters page does not say what failed: %q", got)
	}
	// The citizen writes again: the chat is reachable again.
	if _, err := w.disp.Handle(ctxT(t), bot.Inbound{Channel: bot.ChannelTelegram, ChatID: "5001", UserID: "5001",
		MessageID: "unblock-1", Text: "halo"}); err != nil {
		t.Fatal(err)
	}
	do("retry", jsClick(`form[action$="/retry"] button[type=submit]`), waitFor(`location.search.includes("ok=dead.retried")`))
	delivered := func(calls []telegramtest.Call) int {
		n := 0
		for _, c := range calls {
			if c.Method == "sendMessage" && c.Form["chat_id"] == "5001" && strings.Contains(c.Form["text"], lost) && c.Status == 200 {
				n++
			}
		}
		return n
	}
	w.tg.WaitFor(t, 15*time.Second, "the retried reply on Telegram", func(calls []telegramtest.Call) bool { return delivered(calls) == 1 })
	do("timeline shows it sent",
		chromedp.Navigate(base+"/console/reports/SDA-JLN001"),
		waitFor(`(() => { if (document.querySelectorAll(".delivery.sent").length === 3) return true; location.reload(); return false; })()`),
	)
	time.Sleep(300 * time.Millisecond) // a second delivery would show by now
	if n := delivered(w.tg.Calls()); n != 1 {
		t.Errorf("the retried reply was delivered %d times", n)
	}

	// 6. Another agency's report is not found.
	do("other agency", chromedp.Navigate(base+"/console/reports/SDA-SMP006"), waitFor(`document.querySelector(".error-page") !== null`))
	if got := eval(`document.querySelector(".error-page h1").textContent`); got != "404" {
		t.Errorf("another agency's report: %q, want 404", got)
	}
	if strings.Contains(eval(`document.body.innerText`), "Sampah tidak diangkut") {
		t.Error("another agency's report title leaked")
	}

	// 7. A supervisor's dashboard, and the inbox on a phone-sized screen.
	do("logout", chromedp.Navigate(base+"/console/inbox"), jsClick(`form[action="/console/logout"] button`),
		waitFor(`location.pathname === "/console/login"`))
	login("ratna@sidoarjo.go.id")
	do("dashboard", chromedp.Navigate(base+"/console/dashboard"), waitFor(`document.querySelector("svg.bars") !== null`), shot("console-dashboard.png"))
	if got := eval(`document.querySelectorAll("svg.bars rect.bar").length.toString()`); got == "0" {
		t.Error("dashboard has no bars")
	}
	do("phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/console/inbox"), waitFor(`document.querySelector("table.list") !== null`),
		shot("console-inbox-phone.png"))
	if got := eval(`(document.documentElement.scrollWidth <= 390).toString()`); got != "true" {
		t.Errorf("inbox scrolls sideways on a phone (scrollWidth > 390)")
	}
}

// waitJS waits until the page has loaded and the expression is true. It evaluates it
// again and again (every 50 ms, until the step's context ends), surviving the
// navigations a form submission causes.
func waitJS(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var last error
		for {
			ok, err := chromedp.Evaluate[bool]("!!("+js+")")(ctx, tg)
			if err == nil && ok {
				return nil
			}
			last = err
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w (last error: %v)", js, ctx.Err(), last)
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// jsClick clicks the element in the page's own JavaScript, which (unlike a
// DevTools node click) cannot hold a node id from a page that a navigation
// just replaced.
func jsClick(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).click()`, sel))
}

// jsSet sets a form field's value and fires its change event.
func jsSet(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(() => { const el = document.querySelector(%q); el.value = %q; el.dispatchEvent(new Event("change", {bubbles: true})); })()`, sel, value))
}
