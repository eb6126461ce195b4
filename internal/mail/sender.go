package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"yardstick/internal/model"
)

// Sender delivers one message. An error means "not delivered, try again
// later"; the worker decides when to give up.
type Sender interface {
	Send(ctx context.Context, m model.OutboxMessage) error
}

// SendTimeout bounds one delivery: connect, each SMTP command, and the
// whole call.
const SendTimeout = 30 * time.Second

// SMTPSender sends through one SMTP server (a relay or a provider's
// submission port).
type SMTPSender struct {
	client  *gomail.Client
	from    *mail.Address
	domain  string // for Message-IDs
	timeout time.Duration
}

// NewSMTPSender parses an SMTP URL and a From address:
//
//	smtp://[user:pass@]host[:port][?tls=opportunistic|required|none]  (port 587 by default)
//	smtps://[user:pass@]host[:port]                                  (implicit TLS, port 465 by default)
//
// smtp:// upgrades with STARTTLS when the server offers it (tls=required
// refuses to go on without it, tls=none never tries). With a user, AUTH
// PLAIN is used; it is refused over an unencrypted connection except to
// localhost.
func NewSMTPSender(smtpURL, from string) (*SMTPSender, error) {
	cfg, err := parseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail From address %q: %v", from, err)
	}
	opts := []gomail.Option{
		gomail.WithPort(cfg.port),
		gomail.WithTimeout(SendTimeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: cfg.host, MinVersion: tls.VersionTLS12}),
	}
	if cfg.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(cfg.policy))
	}
	if cfg.user != "" {
		// go-mail's PLAIN refuses an unencrypted connection unless the host
		// is localhost, which is the rule we want.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(cfg.user), gomail.WithPassword(cfg.pass))
	}
	client, err := gomail.NewClient(cfg.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("YARDSTICK_SMTP_URL: %v", err)
	}
	domain := addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]
	return &SMTPSender{client: client, from: addr, domain: domain, timeout: SendTimeout}, nil
}

// Send delivers m over a connection of its own, within SendTimeout.
func (s *SMTPSender) Send(ctx context.Context, m model.OutboxMessage) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("recipient %q: %w", m.To, err)
	}
	if subj := oneLine(m.Subject); strings.Contains(subj, "=?") {
		// Text that looks like an encoded word (a name such as
		// "=?UTF-8?Q?…=0D=0ABcc:…?=") would be decoded by mail clients:
		// encode the whole subject so it reads as typed.
		msg.SetGenHeaderPreformatted(gomail.HeaderSubject, encodeWords(subj))
	} else {
		msg.Subject(subj)
	}
	msg.SetMessageIDWithValue(fmt.Sprintf("yardstick.%d.%s@%s", m.ID, rand.Text()[:16], s.domain))
	msg.SetDate()
	if u := oneLine(m.UnsubscribeURL); u != "" {
		msg.SetGenHeader(gomail.Header("List-Unsubscribe"), "<"+u+">")
		msg.SetGenHeader(gomail.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.Attachment != nil {
		name := oneLine(m.AttachmentName)
		if name == "" {
			name = "attachment"
		}
		ct := gomail.TypeAppOctetStream
		if strings.HasSuffix(strings.ToLower(name), ".xlsx") {
			ct = gomail.ContentType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		}
		msg.AttachReadSeeker(name, bytes.NewReader(m.Attachment), gomail.WithFileContentType(ct))
	}
	return s.client.DialAndSendWithContext(ctx, msg)
}

type smtpConfig struct {
	host, user, pass string
	port             int
	implicitTLS      bool
	policy           gomail.TLSPolicy
}

// parseSMTPURL never echoes the password: url.Parse's own errors quote the
// whole input, so only their inner reason is kept.
func parseSMTPURL(raw string) (smtpConfig, error) {
	var cfg smtpConfig
	bad := func(format string, a ...any) (smtpConfig, error) {
		return smtpConfig{}, fmt.Errorf("YARDSTICK_SMTP_URL: "+format, a...)
	}
	if strings.TrimSpace(raw) == "" {
		return bad("empty; want smtp://[user:pass@]host:port or smtps://host:port")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return bad("not a valid URL: %v", err)
	}
	shown := u.Redacted()
	switch u.Scheme {
	case "smtp":
		cfg.port, cfg.policy = 587, gomail.TLSOpportunistic
	case "smtps":
		cfg.port, cfg.implicitTLS = 465, true
	default:
		return bad("scheme must be smtp:// or smtps:// (got %q)", shown)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return bad("want smtp://[user:pass@]host:port with nothing after the port but ?tls= (got %q)", shown)
	}
	cfg.host = u.Hostname()
	if cfg.host == "" {
		return bad("no host (got %q)", shown)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("port must be 1-65535 (got %q)", shown)
		}
		cfg.port = n
	}
	if u.User != nil {
		cfg.user = u.User.Username()
		cfg.pass, _ = u.User.Password()
		if cfg.user == "" {
			return bad("credentials without a user name (got %q)", shown)
		}
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return bad("unknown parameter %q (only tls= is understood)", k)
		}
	}
	if q.Has("tls") {
		if cfg.implicitTLS {
			return bad("tls= applies to smtp:// only; smtps:// is always TLS")
		}
		switch q.Get("tls") {
		case "opportunistic":
			cfg.policy = gomail.TLSOpportunistic
		case "required":
			cfg.policy = gomail.TLSMandatory
		case "none":
			cfg.policy = gomail.NoTLS
		default:
			return bad("tls must be opportunistic, required or none (got %q)", q.Get("tls"))
		}
	}
	if cfg.user != "" && cfg.policy == gomail.NoTLS && !isLocalhost(cfg.host) {
		return bad("tls=none with a password would send it in clear text to %s; allowed only for localhost", cfg.host)
	}
	return cfg, nil
}

// isLocalhost matches go-mail's own list, so a URL accepted here is not
// refused at the first send.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// encodeWords encodes s as RFC 2047 B encoded words of at most 75
// characters each, never splitting a UTF-8 sequence. Unlike mime's
// encoders it encodes plain ASCII too.
func encodeWords(s string) string {
	const chunk = 45 // bytes: 60 base64 characters + "=?UTF-8?B?" + "?="
	var words []string
	for len(s) > 0 {
		n := min(chunk, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}
