package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
	"yardstick/internal/terms"
)

// Config is what the use cases need to know about the deployment.
type Config struct {
	BaseURL     string        // e.g. https://yardstick.example.org, no trailing slash
	SessionIdle time.Duration // sessions unused this long end
	// Signup lets a Partner Connect referral link create an instance
	// (YARDSTICK_SIGNUP); otherwise OperatorEmail receives referrals.
	Signup        bool
	OperatorEmail string
	// HeavyPerMember and HeavyTotal bound the exports and imports admitted
	// at once per account and in the process (YARDSTICK_HEAVY_PER_MEMBER,
	// YARDSTICK_HEAVY_TOTAL; see heavy.go); 0: DefaultHeavyPerMember and
	// DefaultHeavyTotal, negative: no bound. HeavyRunning of the admitted
	// run at once (YARDSTICK_HEAVY_RUNNING); 0: DefaultHeavyRunning.
	HeavyPerMember, HeavyTotal, HeavyRunning int
	// Mail an instance sends to addresses outside the deployment (Partner
	// Connect referrals; invitations to addresses without an account) is
	// limited per instance and per address (see mailquota.go):
	// ReferralsPerDay mails of each kind in 24 hours
	// (YARDSTICK_REFERRALS_PER_DAY; 0: DefaultReferralsPerDay) and
	// ReferralsPerAddressWeek referrals to one address in 7 days
	// (YARDSTICK_REFERRALS_PER_ADDRESS_WEEK; 0:
	// DefaultReferralsPerAddressWeek); negative: no limit.
	ReferralsPerDay, ReferralsPerAddressWeek int
}

// App is the set of use cases over one store.
type App struct {
	store      *store.Store
	cfg        Config
	log        *slog.Logger
	queue      chan model.Activity // high-volume log entries for the recorder
	recording  atomic.Bool         // a recorder is draining queue
	heavy      *heavyGate          // exports and imports running
	embedViews viewCounter         // embed views not yet written (embeds.go)
}

// New builds the app. mailWake, if not nil, is called after a
// transaction that queued mail commits, so delivery starts at once: the
// store calls it (store.OnOutboxWrite), so no use case has to.
func New(s *store.Store, cfg Config, log *slog.Logger, mailWake func()) *App {
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 120 * time.Minute
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s.OnOutboxWrite(mailWake)
	return &App{store: s, cfg: cfg, log: log, queue: make(chan model.Activity, recorderBuffer),
		heavy: newHeavyGate(cfg.HeavyPerMember, cfg.HeavyTotal, cfg.HeavyRunning)}
}

// Store returns the app's store (for the CLI and tests).
func (a *App) Store() *store.Store { return a.store }

// Now is the app's clock.
func (a *App) Now() time.Time { return a.store.Now() }

// Ready reports whether the database answers.
func (a *App) Ready(ctx context.Context) error { return a.store.Ping(ctx) }

// Client describes where a request came from, for sessions and the log.
type Client struct {
	Addr      string
	UserAgent string
	RequestID string
}

// Actor is a signed-in member acting in one instance.
type Actor struct {
	Account     model.Account
	Instance    model.Instance
	Membership  model.Membership
	Perms       access.Set
	SessionHash string
	Client      Client
	// KeyID is the API key acting (AuthenticateKey), 0 for a person. A
	// key has no membership; its scorecard assignments are carried in
	// Membership.Assignments, and keyAssigned says it was created with
	// some (it then sees exactly those, even when none are left).
	KeyID       int64
	keyAssigned bool
	vis         *store.Visibility // computed on first use in a request
	owners      *[]int64          // the instances sharing with Instance, read on first use in a request
}

// sharingOwners returns the instances that share with the actor's
// instance on an active channel, read once per request: the owners every
// read of shared content names, so on Citus it reaches their shards only.
func (a *Actor) sharingOwners(ctx context.Context, q *store.Q) ([]int64, error) {
	if a.owners == nil {
		owners, err := q.SharingOwners(ctx, a.Instance.ID)
		if err != nil {
			return nil, err
		}
		a.owners = &owners
	}
	return *a.owners, nil
}

// Can reports whether the actor holds a permission.
func (a *Actor) Can(p access.Permission) bool { return a != nil && a.Perms.Has(p) }

// Require refuses with Forbidden unless the actor holds p.
func (a *Actor) Require(p access.Permission) error {
	if a.Can(p) {
		return nil
	}
	info, _ := access.Lookup(p)
	return errForbidden("You need the %q permission to do this.", a.Words().Expand(info.Name))
}

// Words is the actor's instance's Common Terms, for the text app writes
// for people (refusals, permission names), the same whichever transport
// shows it.
func (a *Actor) Words() *terms.Set {
	if a == nil {
		return terms.Defaults
	}
	return terms.Parse(a.Instance.Terms)
}

// Session is a signed-in account without an instance chosen yet.
type Session struct {
	Account   model.Account
	Hash      string
	Instances int     // active memberships of the account
	member    *member // the membership AuthenticateIn found with the session
}

// member is an account's membership in the instance of one code.
type member struct {
	code string
	in   model.Instance
	m    model.Membership
}
