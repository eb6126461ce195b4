package model

import (
	"strings"
	"time"
)

// Instance is one organization's isolated workspace.
type Instance struct {
	ID          int64
	Code        string // upper case; unique; never reused
	Name        string
	LicenseType string
	Seats       int
	WelcomeMode string // "password" or "link"
	TimeZone    string
	CreatedAt   time.Time
	MemberCount int // all memberships, kept in step by the store
	ActiveCount int // active memberships
	// General Settings (issue 18): the period the data grid preselects
	// ("current" or "previous"), the logo's version (≤ 0: no logo; its bytes
	// are read only by the logo's own URL and exports) and the instance's
	// Common Terms overrides (a JSON object of term key → text, or "").
	DataPeriod  string
	LogoVersion int
	Terms       string
	// Multi-Site Tools (issue 22): MultiSite is the operator's switch that
	// lets the instance's administrators create and manage children;
	// ParentID names the parent of a child instance (nil for the others).
	MultiSite bool
	ParentID  *int64
}

// Label names an instance to people of another one: "Name (CODE)".
func (in Instance) Label() string { return in.Name + " (" + in.Code + ")" }

// Account is one person, identified by email across the deployment.
type Account struct {
	ID                int64
	Email             string // lower case
	Name              string
	PasswordTemporary bool       // must be replaced at next sign-in
	PasswordExpiresAt *time.Time // set for temporary passwords
	TimeZone          string
	HomeInstanceID    *int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Membership is an account's place in one instance.
type Membership struct {
	ID             int64
	InstanceID     int64
	AccountID      int64
	Permissions    []string // sorted permission keys
	Preset         string   // the preset the set started from
	Role           string   // the preset the set equals, or Custom
	PermCount      int      // len(Permissions); the users list reads only this
	Email          string   // copy of the account's, for listing
	Name           string   // copy of the account's, for listing
	Active         bool
	Invited        bool // waiting for the person to accept; never active meanwhile
	DigestWeekly   bool
	DigestMonthly  bool
	ActionEmails   bool
	Version        int64 // optimistic concurrency for edits
	LastActivityAt *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Assignments is what the member's visibility needs of its assigned
	// scorecards, read with the membership on every request of an
	// instance's pages (nil when the membership was read another way).
	Assignments *Assignments
	// Unread is how many of the member's notifications are unread, at
	// most UnreadCounted, read with the membership for the header's bell.
	Unread int
}

// UnreadCounted is the most unread notifications the store counts (a
// bounded count stays cheap on every page): the bell says "99+" for it.
const UnreadCounted = 100

// Assignments are a member's assigned scorecards, as its visibility
// reads them (SPEC §3.3).
type Assignments struct {
	Own    []int64 // its own instance's, ascending, at most a few more than the store lists by id
	Shared []int64 // the partners' scorecards assigned to it, ascending
}

// MemberInstance is an instance as listed in a member's instance switcher.
type MemberInstance struct {
	InstanceID int64
	Code       string
	Name       string
}

// Session is a signed-in browser. The cookie holds a secret token; the
// database holds only its hash.
type Session struct {
	IDHash     string
	AccountID  int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ClientAddr string
	UserAgent  string
	// Instances is how many instances the account is an active member of,
	// read with the session (the switcher shows from two on).
	Instances int
}

// OutboxMessage is an email waiting for, or done with, delivery.
type OutboxMessage struct {
	ID         int64
	InstanceID *int64
	Kind       string
	To         string
	Subject    string
	Body       string
	HTML       string // an HTML alternative to Body, or empty
	// UnsubscribeURL, when set, is sent as List-Unsubscribe with
	// List-Unsubscribe-Post (RFC 8058 one-click), for digests.
	UnsubscribeURL string
	HasSecret      bool // body (and HTML) is scrubbed once sent
	// AttachmentName and Attachment are one file sent with the message
	// (a scheduled report's XLSX), dropped once delivered. Attachment is
	// read only where a message is claimed for sending.
	AttachmentName string
	Attachment     []byte
	// Parts, when set, belong in Body at byte PartsTextAt and in HTML at
	// PartsHTMLAt, one after the other: lines many messages share (a
	// favourite measure's in a run's digests), which the outbox keeps
	// once. Messages read from the outbox come Whole.
	Parts                    []MailPart
	PartsTextAt, PartsHTMLAt int
	Status                   string
	Attempts                 int
	NextAttemptAt            time.Time
	LastError                string
	CreatedAt                time.Time
	SentAt                   *time.Time
}

// MailPart is a piece of both parts of a message that other messages
// share, named by a hash of its content (Key).
type MailPart struct {
	Key        string
	Text, HTML string
}

// Whole returns the message with its parts in place.
func (m OutboxMessage) Whole() OutboxMessage {
	if len(m.Parts) == 0 {
		return m
	}
	text, html := m.PartsTextAt, m.PartsHTMLAt
	if text < 0 || text > len(m.Body) || html < 0 || html > len(m.HTML) {
		text, html = len(m.Body), len(m.HTML) // a damaged row: the parts go last rather than nowhere
	}
	var b, h strings.Builder
	b.Grow(len(m.Body) + len(m.Parts)*len(m.Parts[0].Text))
	h.Grow(len(m.HTML) + len(m.Parts)*len(m.Parts[0].HTML))
	b.WriteString(m.Body[:text])
	h.WriteString(m.HTML[:html])
	for _, p := range m.Parts {
		b.WriteString(p.Text)
		h.WriteString(p.HTML)
	}
	b.WriteString(m.Body[text:])
	h.WriteString(m.HTML[html:])
	m.Body, m.HTML, m.Parts, m.PartsTextAt, m.PartsHTMLAt = b.String(), h.String(), nil, 0, 0
	return m
}

// Outbox message states.
const (
	MailPending = "pending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// Activity is one entry of an instance's User Activity log.
type Activity struct {
	ID            int64
	InstanceID    int64
	At            time.Time
	AccountID     *int64
	ActorName     string
	ActorEmail    string
	ActorInstance string // code of the actor's instance when it is not this one (partners)
	Activity      string
	ObjectType    string
	ObjectID      *int64
	ObjectName    string
	Changes       []Change
	ClientAddr    string
	RequestID     string
	Outcome       string // OutcomeSucceeded, OutcomeRefused or OutcomeFailed
}

// Outcomes of a log entry (SPEC §10).
const (
	OutcomeSucceeded = "succeeded"
	OutcomeRefused   = "refused"
	OutcomeFailed    = "failed"
)

// Change is one field's value before and after a change.
type Change struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// PartnerRequest is a Partner Connect request from one instance to another.
type PartnerRequest struct {
	ID          int64
	From, To    Instance // ID, Code and Name are filled
	Status      string   // pending, accepted, declined, cancelled
	RequestedBy string   // the requester's name
	CreatedAt   time.Time
}

// Partner request statuses.
const (
	RequestPending   = "pending"
	RequestAccepted  = "accepted"
	RequestDeclined  = "declined"
	RequestCancelled = "cancelled"
)

// PartnerChannel is one direction of a connection: Owner shares with Partner.
type PartnerChannel struct {
	ID        int64
	Owner     Instance // ID, Code and Name are filled
	Partner   Instance
	CreatedAt time.Time
	Shares    []PartnerShare // filled by the lists of the Partner Connect page
}

// PartnerShare is a scorecard shared on a channel; Contribute lets the
// partner's members enter data on its measures.
type PartnerShare struct {
	ScorecardID int64
	Title       string
	Contribute  bool
}
