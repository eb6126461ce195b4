package testkit

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// CapturedMail is one message the test SMTP server accepted.
type CapturedMail struct {
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	Subject  string   // decoded
	Body     string   // decoded text (first text/plain part of a multipart)
	HTML     string   // decoded text/html part of a multipart, "" when none
	Header   mail.Header
	Raw      []byte
	AuthUser string // user name of AUTH PLAIN, "" when none
}

// SMTPServer is a real SMTP server on 127.0.0.1 that keeps what it
// receives, so tests assert mail by reading what was delivered.
type SMTPServer struct {
	srv  *smtp.Server
	addr string

	mu       sync.Mutex
	msgs     []CapturedMail
	refuse   int
	authUser string
	authPass string
	arrived  chan struct{}
}

// StartSMTP starts a server on a free port and stops it when the test ends.
// It offers no TLS and allows AUTH over plain connections.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp listen: %v", err)
	}
	s := &SMTPServer{addr: l.Addr().String(), arrived: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// URL is the address for mail.NewSMTPSender.
func (s *SMTPServer) URL() string { return "smtp://" + s.addr + "?tls=none" }

// Addr is host:port.
func (s *SMTPServer) Addr() string { return s.addr }

// RequireAuth makes the server demand AUTH PLAIN with these credentials
// before MAIL FROM.
func (s *SMTPServer) RequireAuth(user, pass string) {
	s.mu.Lock()
	s.authUser, s.authPass = user, pass
	s.mu.Unlock()
}

// RefuseNext makes the next n transactions fail at MAIL FROM with a
// temporary (451) error, as a busy or greylisting server would.
func (s *SMTPServer) RefuseNext(n int) {
	s.mu.Lock()
	s.refuse = n
	s.mu.Unlock()
}

// Messages returns what has been received so far, in order.
func (s *SMTPServer) Messages() []CapturedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CapturedMail(nil), s.msgs...)
}

// WaitFor waits until at least n messages arrived and returns them all,
// failing the test after timeout.
func (s *SMTPServer) WaitFor(t testing.TB, n int, timeout time.Duration) []CapturedMail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrived:
		case <-deadline.C:
			t.Fatalf("smtp: got %d messages after %v, want %d", len(s.Messages()), timeout, n)
			return nil
		}
	}
}

type smtpSession struct {
	s      *SMTPServer
	authed string
	from   string
	to     []string
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		ss.s.mu.Lock()
		defer ss.s.mu.Unlock()
		if ss.s.authUser == "" || user != ss.s.authUser || pass != ss.s.authPass {
			return smtp.ErrAuthFailed
		}
		ss.authed = user
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.authUser != "" && ss.authed == "" {
		return smtp.ErrAuthRequired
	}
	if ss.s.refuse > 0 {
		ss.s.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later (test refusal)"}
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := ParseMail(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: err.Error()}
	}
	m.From, m.To, m.AuthUser = ss.from, ss.to, ss.authed
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.mu.Unlock()
	select {
	case ss.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

func (ss *smtpSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *smtpSession) Logout() error { return nil }

// ParseMail decodes a raw RFC 5322 message: the subject's encoded words
// and the body's transfer encoding (quoted-printable, base64).
func ParseMail(raw []byte) (CapturedMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return CapturedMail{}, fmt.Errorf("parse message: %w", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return CapturedMail{}, fmt.Errorf("decode subject: %w", err)
	}
	body, err := decodeBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return CapturedMail{}, err
	}
	html := ""
	if mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		again, _ := mail.ReadMessage(bytes.NewReader(raw))
		mr := multipart.NewReader(again.Body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				break
			}
			if t, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); t == "text/html" {
				if html, err = decodeBody(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
					return CapturedMail{}, err
				}
				break
			}
		}
	}
	return CapturedMail{Subject: subject, Body: body, HTML: html, Header: msg.Header, Raw: raw}, nil
}

func decodeBody(contentType, cte string, r io.Reader) (string, error) {
	mediaType, params, _ := mime.ParseMediaType(contentType)
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return "", fmt.Errorf("no text/plain part: %w", err)
			}
			if t, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); t == "text/plain" || t == "" {
				return decodeBody(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // skips line breaks itself
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("decode body (%s): %w", cte, err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// FindLink returns the first whitespace-delimited word of body that starts
// with prefix (such as "https://ys.test/reset/"), or "".
func FindLink(body, prefix string) string {
	for _, w := range strings.Fields(body) {
		if strings.HasPrefix(w, prefix) {
			return strings.TrimRight(w, ".,;)>")
		}
	}
	return ""
}

// FindAfter returns the rest of the first line that starts with label
// (such as "Temporary password:"), trimmed, or "". Only line starts count,
// so a label quoted inside a sentence is not mistaken for the value.
func FindAfter(body, label string) string {
	for line := range strings.Lines(body) {
		if after, ok := strings.CutPrefix(strings.TrimSpace(line), label); ok {
			return strings.TrimSpace(after)
		}
	}
	return ""
}
