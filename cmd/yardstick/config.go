package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"yardstick/internal/web"
)

// Config is the deployment's configuration, from flags and YARDSTICK_*
// environment variables (a flag given on the command line wins).
type Config struct {
	Addr         string
	DatabaseURL  string
	BaseURL      string
	SMTPURL      string
	MailFrom     string
	SessionIdle  time.Duration
	MetricsToken string
	LogFormat    string
	Signup       string // "true": referral links may create instances
	OperatorMail string // receives referrals while sign-up is closed
	// TrustedProxies (comma-separated addresses or CIDRs) may name the
	// client in X-Forwarded-For; parsed into Proxies.
	TrustedProxies string
	Proxies        []netip.Prefix
	// Limits of the HTTP layer, parsed from MaxInFlightText,
	// QueueWaitText and MaxFormBodyText (see web.Config).
	MaxInFlightText, QueueWaitText, MaxFormBodyText string
	MaxInFlight                                     int // 0: twice the database pool
	QueueWait                                       time.Duration
	MaxFormBody                                     int64
	// Limits of mail to outside addresses (app.Config), parsed from
	// ReferralsPerDayText and ReferralsPerAddressWeekText; -1: no limit.
	ReferralsPerDayText, ReferralsPerAddressWeekText string
	ReferralsPerDay, ReferralsPerAddressWeek         int
	// Bounds on exports and imports (app.Config), parsed from the *Text fields.
	HeavyPerMemberText, HeavyTotalText, HeavyRunningText string
	HeavyPerMember, HeavyTotal, HeavyRunning             int
	// Scheduled snapshots (package backup), parsed from the *Text fields;
	// no BackupDir: none.
	BackupDir, BackupEveryText, BackupKeepText string
	BackupEvery                                time.Duration
	BackupKeep                                 int
	// Requests per second and at once each API key may make (web.Config),
	// parsed from the *Text fields.
	APIRateText, APIBurstText string
	APIRate                   float64
	APIBurst                  int
	// How long sent and failed mail stays in the outbox, parsed from
	// MailKeepText (days); 0: for ever.
	MailKeepText string
	MailKeep     time.Duration
	// CompyleURL is the companion data-collection app the top menu's
	// Compyle item opens for members with Compyle Access; "": no item.
	CompyleURL string
}

// setting is one configuration value with its flag and variable.
type setting struct {
	flag, env, def, help string
	dst                  *string
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "YARDSTICK_ADDR", "127.0.0.1:8080", "address to listen on", &c.Addr},
		{"database-url", "YARDSTICK_DATABASE_URL", "sqlite:yardstick.db", "sqlite:PATH or postgres://user:pass@host/db", &c.DatabaseURL},
		{"base-url", "YARDSTICK_BASE_URL", "", "public URL used in mails (default http://ADDR)", &c.BaseURL},
		{"smtp-url", "YARDSTICK_SMTP_URL", "", "smtp://user:pass@host:587 or smtps://host:465; empty keeps mail in the outbox", &c.SMTPURL},
		{"mail-from", "YARDSTICK_MAIL_FROM", "Yardstick <yardstick@localhost>", "From address of mails", &c.MailFrom},
		{"metrics-token", "YARDSTICK_METRICS_TOKEN", "", "bearer token for /metrics; empty allows loopback clients only", &c.MetricsToken},
		{"log-format", "YARDSTICK_LOG_FORMAT", "text", "text or json", &c.LogFormat},
		{"signup", "YARDSTICK_SIGNUP", "false", "true lets a Partner Connect referral link create an instance", &c.Signup},
		{"operator-email", "YARDSTICK_OPERATOR_EMAIL", "", "receives Partner Connect referrals while sign-up is closed", &c.OperatorMail},
		{"trusted-proxies", "YARDSTICK_TRUSTED_PROXIES", "", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client; empty trusts none", &c.TrustedProxies},
		{"max-inflight", "YARDSTICK_MAX_INFLIGHT", "", "requests served at once; the rest wait in arrival order (empty: twice the database pool, 16 on SQLite, 40 on PostgreSQL)", &c.MaxInFlightText},
		{"queue-wait", "YARDSTICK_QUEUE_WAIT", "2s", "longest wait for a turn before a 503 with Retry-After", &c.QueueWaitText},
		{"max-form-body", "YARDSTICK_MAX_FORM_BODY", "1MB", "largest request body of a form (the import upload takes 6 MB whatever this says)", &c.MaxFormBodyText},
		{"referrals-per-day", "YARDSTICK_REFERRALS_PER_DAY", "20", "Partner Connect referrals (and invitations to addresses without an account) one instance may mail in 24 hours; 0: no limit", &c.ReferralsPerDayText},
		{"referrals-per-address-week", "YARDSTICK_REFERRALS_PER_ADDRESS_WEEK", "1", "referrals one instance may mail to one address in 7 days; 0: no limit", &c.ReferralsPerAddressWeekText},
		{"heavy-per-member", "YARDSTICK_HEAVY_PER_MEMBER", "2", "exports and imports one member may have under way at once (past it: 429 with Retry-After); 0: no limit", &c.HeavyPerMemberText},
		{"heavy-total", "YARDSTICK_HEAVY_TOTAL", "4", "exports and imports the process takes at once; 0: no limit", &c.HeavyTotalText},
		{"backup-dir", "YARDSTICK_BACKUP_DIR", "", "directory for scheduled snapshots of the database; empty: none", &c.BackupDir},
		{"backup-every", "YARDSTICK_BACKUP_EVERY", "24h", "time between scheduled snapshots (from 1s)", &c.BackupEveryText},
		{"backup-keep", "YARDSTICK_BACKUP_KEEP", "90", "scheduled snapshots kept; older ones are removed", &c.BackupKeepText},
		{"mail-keep", "YARDSTICK_MAIL_KEEP", "90", "days sent and failed mail stays in the outbox (for `yardstick mail list`) before it is deleted; 0: for ever", &c.MailKeepText},
		{"compyle-url", "YARDSTICK_COMPYLE_URL", "", "address of the Compyle data-collection app, opened from the top menu by members with Compyle Access; empty: no Compyle item", &c.CompyleURL},
		{"api-rate", "YARDSTICK_API_RATE", "20", "requests per second each API key may make, sustained (past it: 429 with Retry-After)", &c.APIRateText},
		{"api-burst", "YARDSTICK_API_BURST", "40", "requests each API key may make at once before its rate applies", &c.APIBurstText},
		{"heavy-running", "YARDSTICK_HEAVY_RUNNING", "", "of those, how many run at once, the rest waiting their turn (empty: half the processors, at least 1)", &c.HeavyRunningText},
	}
}

// parseConfig reads flags (after the subcommand) over environment
// variables over defaults.
func parseConfig(name string, args []string, extra func(fs *flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	c := &Config{}
	fs := flag.NewFlagSet("yardstick "+name, flag.ContinueOnError)
	for _, s := range c.settings() {
		def := s.def
		if v, ok := os.LookupEnv(s.env); ok {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, s.help+" ("+s.env+")")
	}
	idle := "120m"
	if v, ok := os.LookupEnv("YARDSTICK_SESSION_IDLE"); ok {
		idle = v
	}
	idleFlag := fs.String("session-idle", idle, "idle time after which a session ends (YARDSTICK_SESSION_IDLE)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	d, err := time.ParseDuration(*idleFlag)
	if err != nil || d < time.Minute {
		return nil, nil, fmt.Errorf("YARDSTICK_SESSION_IDLE: %q is not a duration of at least 1m (e.g. 120m)", *idleFlag)
	}
	c.SessionIdle = d
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return nil, nil, fmt.Errorf("YARDSTICK_BASE_URL: %q must start with http:// or https://", c.BaseURL)
	}
	if c.CompyleURL != "" && !strings.HasPrefix(c.CompyleURL, "https://") && !strings.HasPrefix(c.CompyleURL, "http://") {
		return nil, nil, fmt.Errorf("YARDSTICK_COMPYLE_URL: %q must start with http:// or https://", c.CompyleURL)
	}
	if c.Signup != "true" && c.Signup != "false" {
		return nil, nil, fmt.Errorf("YARDSTICK_SIGNUP: %q must be true or false", c.Signup)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, nil, fmt.Errorf("YARDSTICK_LOG_FORMAT: %q must be text or json", c.LogFormat)
	}
	if c.Proxies, err = web.ParseTrustedProxies(c.TrustedProxies); err != nil {
		return nil, nil, fmt.Errorf("YARDSTICK_TRUSTED_PROXIES: %w", err)
	}
	if err := c.parseLimits(); err != nil {
		return nil, nil, err
	}
	return c, fs, nil
}

// parseLimits reads the HTTP layer's limits.
func (c *Config) parseLimits() error {
	if t := strings.TrimSpace(c.MaxInFlightText); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 100_000 {
			return fmt.Errorf("YARDSTICK_MAX_INFLIGHT: %q is not a number of requests from 1 to 100000 (or empty for twice the database pool)", c.MaxInFlightText)
		}
		c.MaxInFlight = n
	}
	d, err := time.ParseDuration(strings.TrimSpace(c.QueueWaitText))
	if err != nil || d < 10*time.Millisecond || d > time.Minute {
		return fmt.Errorf("YARDSTICK_QUEUE_WAIT: %q is not a duration from 10ms to 1m (e.g. 2s)", c.QueueWaitText)
	}
	c.QueueWait = d
	n, ok := parseByteSize(c.MaxFormBodyText)
	if !ok || n < 16<<10 || n > 64<<20 {
		return fmt.Errorf("YARDSTICK_MAX_FORM_BODY: %q is not a size from 16KB to 64MB (e.g. 1MB, 512KB)", c.MaxFormBodyText)
	}
	c.MaxFormBody = n
	for _, l := range []struct {
		env, text string
		dst       *int
	}{
		{"YARDSTICK_REFERRALS_PER_DAY", c.ReferralsPerDayText, &c.ReferralsPerDay},
		{"YARDSTICK_REFERRALS_PER_ADDRESS_WEEK", c.ReferralsPerAddressWeekText, &c.ReferralsPerAddressWeek},
		{"YARDSTICK_HEAVY_PER_MEMBER", c.HeavyPerMemberText, &c.HeavyPerMember},
		{"YARDSTICK_HEAVY_TOTAL", c.HeavyTotalText, &c.HeavyTotal},
	} {
		n, err := strconv.Atoi(strings.TrimSpace(l.text))
		if err != nil || n < 0 || n > 100_000 {
			return fmt.Errorf("%s: %q is not a number from 0 (no limit) to 100000", l.env, l.text)
		}
		if n == 0 {
			n = -1 // app.Config: negative lifts the limit
		}
		*l.dst = n
	}
	if t := strings.TrimSpace(c.HeavyRunningText); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 1024 {
			return fmt.Errorf("YARDSTICK_HEAVY_RUNNING: %q is not a number from 1 to 1024 (or empty for half the processors)", c.HeavyRunningText)
		}
		c.HeavyRunning = n
	}
	rate, err := strconv.ParseFloat(strings.TrimSpace(c.APIRateText), 64)
	if err != nil || !(rate >= 0.01 && rate <= 100_000) {
		return fmt.Errorf("YARDSTICK_API_RATE: %q is not a number of requests a second from 0.01 to 100000 (e.g. 20, 0.5)", c.APIRateText)
	}
	c.APIRate = rate
	burst, err := strconv.Atoi(strings.TrimSpace(c.APIBurstText))
	if err != nil || burst < 1 || burst > 100_000 {
		return fmt.Errorf("YARDSTICK_API_BURST: %q is not a number of requests from 1 to 100000", c.APIBurstText)
	}
	c.APIBurst = burst
	days, err := strconv.Atoi(strings.TrimSpace(c.MailKeepText))
	if err != nil || days < 0 || days > 36_500 {
		return fmt.Errorf("YARDSTICK_MAIL_KEEP: %q is not a number of days from 0 to 36500 (0 keeps mail for ever)", c.MailKeepText)
	}
	c.MailKeep = time.Duration(days) * 24 * time.Hour
	return c.parseBackup()
}

// parseBackup reads the snapshot schedule.
func (c *Config) parseBackup() error {
	d, err := time.ParseDuration(strings.TrimSpace(c.BackupEveryText))
	if err != nil || d < time.Second || d > 366*24*time.Hour {
		return fmt.Errorf("YARDSTICK_BACKUP_EVERY: %q is not a duration from 1s to 8784h (e.g. 24h, 6h)", c.BackupEveryText)
	}
	c.BackupEvery = d
	n, err := strconv.Atoi(strings.TrimSpace(c.BackupKeepText))
	if err != nil || n < 1 || n > 100_000 {
		return fmt.Errorf("YARDSTICK_BACKUP_KEEP: %q is not a number of snapshots from 1 to 100000", c.BackupKeepText)
	}
	c.BackupKeep = n
	if c.BackupDir != "" {
		if st, err := os.Stat(c.BackupDir); err != nil || !st.IsDir() {
			return fmt.Errorf("YARDSTICK_BACKUP_DIR: %q is not a directory", c.BackupDir)
		}
	}
	return nil
}

// parseByteSize reads "1MB", "512KB" or a number of bytes (KB and MB are
// 1024 and 1024² bytes).
func parseByteSize(s string) (int64, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "MB"):
		mult, s = 1<<20, strings.TrimSuffix(s, "MB")
	case strings.HasSuffix(s, "KB"):
		mult, s = 1<<10, strings.TrimSuffix(s, "KB")
	case strings.HasSuffix(s, "B"):
		s = strings.TrimSuffix(s, "B")
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > 1<<40/mult {
		return 0, false
	}
	return n * mult, true
}

func variablesHelp() string {
	var b strings.Builder
	for _, s := range (&Config{}).settings() {
		fmt.Fprintf(&b, "  %-26s %s (default %q)\n", s.env, s.help, s.def)
	}
	fmt.Fprintf(&b, "  %-26s %s (default %q)\n", "YARDSTICK_SESSION_IDLE", "idle time after which a session ends", "120m")
	return b.String()
}
