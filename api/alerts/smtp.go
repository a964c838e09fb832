package alerts

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"os"
	"strings"
	"time"
)

// Mailer sends one plain-text email.
type Mailer interface {
	Mail(ctx context.Context, to, subject, body string) error
}

// SMTP sends email through one server, one connection per message:
// smtp://user:pass@host:587?from=aduan@example.go.id upgrades to TLS with
// STARTTLS whenever the server offers it (and net/smtp refuses to send a
// password over a plain connection to anything but localhost);
// smtps://…:465 speaks TLS from the start. Without user info it does not
// authenticate.
type SMTP struct {
	addr     string // host:port
	host     string
	user     string
	pass     string
	from     string
	implicit bool // smtps
	timeout  time.Duration
	// TLS is the client TLS configuration (nil: the system roots, the
	// server's host name); tests set it.
	TLS *tls.Config
}

// SMTPProblem explains what is wrong with an ADUAN_SMTP_URL value, or "".
func SMTPProblem(raw string) string {
	if _, err := ParseSMTPURL(raw); err != nil {
		return "want smtp://user:password@host:587?from=aduan@example.go.id (or smtps://…:465): " + err.Error()
	}
	return ""
}

// ParseSMTPURL reads smtp[s]://[user[:pass]@]host[:port]?from=address.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	s := &SMTP{timeout: 30 * time.Second}
	port := "587"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.implicit, port = true, "465"
	default:
		return nil, fmt.Errorf("scheme %q: want smtp or smtps", u.Scheme)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, errors.New("no host")
	}
	if p := u.Port(); p != "" {
		port = p
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	from := u.Query().Get("from")
	a, err := mail.ParseAddress(from)
	if from == "" || err != nil || a.Name != "" || strings.ContainsAny(from, "\r\n<>") {
		return nil, errors.New("?from= must be a plain address like aduan@example.go.id")
	}
	s.from = a.Address
	return s, nil
}

// From is the sender address.
func (s *SMTP) From() string { return s.from }

// Mail sends one message to one address.
func (s *SMTP) Mail(ctx context.Context, to, subject, body string) error {
	if a, err := mail.ParseAddress(to); err != nil || a.Address != to || strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("smtp: bad recipient address")
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := s.hello(c); err != nil {
		return err
	}
	if err := c.Mail(s.from); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(s.message(to, subject, body)); err != nil {
		return fmt.Errorf("smtp DATA: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("smtp QUIT: %w", err) // the message was accepted at "."; log-worthy all the same
	}
	return nil
}

// dial connects (TLS from the start for smtps), bounded by ctx and the
// timeout for the whole conversation.
func (s *SMTP) dial(ctx context.Context) (*smtp.Client, error) {
	deadline := time.Now().Add(s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	d := &net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, fmt.Errorf("smtp connect: %w", err)
	}
	_ = conn.SetDeadline(deadline)
	if s.implicit {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("smtps handshake: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("smtp greeting: %w", err)
	}
	return c, nil
}

// hello says EHLO, upgrades with STARTTLS when offered, and authenticates
// when the URL has a user.
func (s *SMTP) hello(c *smtp.Client) error {
	name, err := os.Hostname()
	if err != nil || name == "" {
		name = "localhost"
	}
	if err := c.Hello(name); err != nil {
		return fmt.Errorf("smtp EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicit {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("smtp STARTTLS: %w", err)
		}
	}
	if s.user == "" {
		return nil
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		return errors.New("smtp: the server offers no AUTH, but the URL has a user")
	}
	if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
		return fmt.Errorf("smtp AUTH: %w", err)
	}
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		return s.TLS
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// message is the RFC 5322 message: UTF-8 text, quoted-printable, CRLF.
func (s *SMTP) message(to, subject, body string) []byte {
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", (&mail.Address{Name: "Aduan", Address: s.from}).String())
	hdr("To", to)
	hdr("Subject", mime.QEncoding.Encode("utf-8", subject))
	hdr("Date", time.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+randomHex(12)+"@"+domainOf(s.from)+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	hdr("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")))
	_ = qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}

func domainOf(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok && d != "" {
		return d
	}
	return "aduan.local"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
