// Package alertstest is a fake SMTP server for tests: it speaks enough of
// RFC 5321 for net/smtp (EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP,
// QUIT), never offers STARTTLS, and records every message it accepts.
package alertstest

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mail is one accepted message, decoded.
type Mail struct {
	From    string // envelope sender
	To      []string
	Subject string // decoded from RFC 2047
	Body    string // decoded from quoted-printable, LF line ends
	Raw     string
}

// SMTP is the fake server. Create it with NewSMTP; it stops with the test.
type SMTP struct {
	ln net.Listener

	mu       sync.Mutex
	mails    []Mail
	failData int    // DATA answers 451 this many more times
	user     string // AUTH PLAIN credentials required when set
	pass     string
	signal   chan struct{}
}

// NewSMTP starts a fake server on 127.0.0.1.
func NewSMTP(t testing.TB) *SMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("alertstest: listen: %v", err)
	}
	s := &SMTP{ln: ln, signal: make(chan struct{}, 1)}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// Addr is host:port.
func (s *SMTP) Addr() string { return s.ln.Addr().String() }

// URL is an ADUAN_SMTP_URL for this server (with user info when
// RequireAuth was called).
func (s *SMTP) URL(from string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	auth := ""
	if s.user != "" {
		auth = s.user + ":" + s.pass + "@"
	}
	return "smtp://" + auth + s.Addr() + "?from=" + from
}

// RequireAuth makes the server offer AUTH PLAIN and accept only these
// credentials.
func (s *SMTP) RequireAuth(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.pass = user, pass
}

// FailData makes the next n DATA commands answer 451 (a temporary failure).
func (s *SMTP) FailData(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failData = n
}

// Mails returns the accepted messages, oldest first.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// To returns the accepted messages addressed to addr.
func (s *SMTP) To(addr string) []Mail {
	var out []Mail
	for _, m := range s.Mails() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

// WaitFor waits until cond holds on the accepted messages, or fails the test.
func (s *SMTP) WaitFor(t testing.TB, timeout time.Duration, what string, cond func([]Mail) bool) {
	t.Helper()
	deadline := time.After(timeout)
	for !cond(s.Mails()) {
		select {
		case <-s.signal:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("alertstest: %s: not within %s; mails: %d", what, timeout, len(s.Mails()))
		}
	}
}

type session struct {
	w     *bufio.Writer
	r     *bufio.Reader
	authd bool
	from  string
	to    []string
}

func (ss *session) reply(line string) {
	ss.w.WriteString(line + "\r\n")
	ss.w.Flush()
}

func (s *SMTP) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	ss := &session{w: bufio.NewWriter(c), r: bufio.NewReader(c)}
	ss.reply("220 fake.smtp ESMTP ready")
	for {
		line, err := ss.r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		if !s.command(ss, strings.ToUpper(verb), arg) {
			return
		}
	}
}

// command answers one command; false ends the session.
func (s *SMTP) command(ss *session, verb, arg string) bool {
	s.mu.Lock()
	user, pass := s.user, s.pass
	s.mu.Unlock()
	switch verb {
	case "EHLO":
		if user != "" {
			ss.reply("250-fake.smtp\r\n250-8BITMIME\r\n250 AUTH PLAIN")
		} else {
			ss.reply("250-fake.smtp\r\n250 8BITMIME")
		}
	case "HELO":
		ss.reply("250 fake.smtp")
	case "AUTH":
		mech, resp, _ := strings.Cut(arg, " ")
		raw, err := base64.StdEncoding.DecodeString(resp)
		parts := strings.Split(string(raw), "\x00")
		if strings.ToUpper(mech) != "PLAIN" || err != nil || len(parts) != 3 || parts[1] != user || parts[2] != pass {
			ss.reply("535 5.7.8 authentication failed")
			return true
		}
		ss.authd = true
		ss.reply("235 2.7.0 accepted")
	case "MAIL":
		if user != "" && !ss.authd {
			ss.reply("530 5.7.0 authentication required")
			return true
		}
		ss.from, ss.to = addrOf(arg), nil
		ss.reply("250 ok")
	case "RCPT":
		ss.to = append(ss.to, addrOf(arg))
		ss.reply("250 ok")
	case "DATA":
		s.data(ss)
	case "RSET":
		ss.from, ss.to = "", nil
		ss.reply("250 ok")
	case "NOOP":
		ss.reply("250 ok")
	case "QUIT":
		ss.reply("221 bye")
		return false
	default:
		ss.reply("502 command not implemented")
	}
	return true
}

func (s *SMTP) data(ss *session) {
	s.mu.Lock()
	fail := s.failData > 0
	if fail {
		s.failData--
	}
	s.mu.Unlock()
	if fail {
		ss.reply("451 4.3.0 try again later")
		return
	}
	ss.reply("354 go ahead")
	var raw strings.Builder
	for {
		line, err := ss.r.ReadString('\n')
		if err != nil {
			return
		}
		if line == ".\r\n" {
			break
		}
		raw.WriteString(strings.TrimPrefix(line, ".")) // dot-unstuffing
	}
	m := decode(raw.String())
	m.From, m.To = ss.from, ss.to
	s.mu.Lock()
	s.mails = append(s.mails, m)
	s.mu.Unlock()
	select {
	case s.signal <- struct{}{}:
	default:
	}
	ss.reply("250 ok: queued")
}

// addrOf reads "FROM:<a@b>" or "TO:<a@b> SIZE=…".
func addrOf(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j >= 0 {
			return arg[i+1 : i+j]
		}
	}
	return arg
}

func decode(raw string) Mail {
	m := Mail{Raw: raw}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return m
	}
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = subj
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	b, _ := io.ReadAll(body)
	m.Body = strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	return m
}
