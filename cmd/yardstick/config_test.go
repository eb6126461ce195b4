package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

// The HTTP layer's limits: defaults, values, and refusals that name the
// variable.
func TestLimitsConfig(t *testing.T) {
	for _, k := range []string{"YARDSTICK_MAX_INFLIGHT", "YARDSTICK_QUEUE_WAIT", "YARDSTICK_MAX_FORM_BODY"} {
		t.Setenv(k, "") // restored when the test ends
		os.Unsetenv(k)
	}
	c, _, err := parseConfig("serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxInFlight != 0 || c.QueueWait != 2*time.Second || c.MaxFormBody != 1<<20 {
		t.Errorf("defaults: in flight %d, wait %v, form body %d", c.MaxInFlight, c.QueueWait, c.MaxFormBody)
	}

	t.Setenv("YARDSTICK_MAX_INFLIGHT", "24")
	t.Setenv("YARDSTICK_QUEUE_WAIT", "500ms")
	t.Setenv("YARDSTICK_MAX_FORM_BODY", "256kb")
	c, _, err = parseConfig("serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxInFlight != 24 || c.QueueWait != 500*time.Millisecond || c.MaxFormBody != 256<<10 {
		t.Errorf("set: in flight %d, wait %v, form body %d", c.MaxInFlight, c.QueueWait, c.MaxFormBody)
	}

	for _, tc := range []struct{ flag, value, variable string }{
		{"--max-inflight", "0", "YARDSTICK_MAX_INFLIGHT"},
		{"--max-inflight", "many", "YARDSTICK_MAX_INFLIGHT"},
		{"--queue-wait", "0s", "YARDSTICK_QUEUE_WAIT"},
		{"--queue-wait", "2", "YARDSTICK_QUEUE_WAIT"},
		{"--queue-wait", "1h", "YARDSTICK_QUEUE_WAIT"},
		{"--max-form-body", "1GB", "YARDSTICK_MAX_FORM_BODY"},
		{"--max-form-body", "100", "YARDSTICK_MAX_FORM_BODY"},
		{"--max-form-body", "-1MB", "YARDSTICK_MAX_FORM_BODY"},
		{"--max-form-body", "65MB", "YARDSTICK_MAX_FORM_BODY"},
	} {
		_, _, err := parseConfig("serve", []string{tc.flag, tc.value}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.variable) {
			t.Errorf("%s %s: %v, want a refusal naming %s", tc.flag, tc.value, err, tc.variable)
		}
	}
	for in, want := range map[string]int64{"1MB": 1 << 20, "512KB": 512 << 10, "20000": 20000, " 2 mb ": 2 << 20, "64B": 64} {
		if got, ok := parseByteSize(in); !ok || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}

func TestReferralLimitsConfig(t *testing.T) {
	for _, k := range []string{"YARDSTICK_REFERRALS_PER_DAY", "YARDSTICK_REFERRALS_PER_ADDRESS_WEEK"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	c, _, err := parseConfig("serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ReferralsPerDay != 20 || c.ReferralsPerAddressWeek != 1 {
		t.Errorf("defaults: %d a day, %d an address a week; want 20 and 1", c.ReferralsPerDay, c.ReferralsPerAddressWeek)
	}
	c, _, err = parseConfig("serve", []string{"--referrals-per-day", "0", "--referrals-per-address-week", "3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ReferralsPerDay != -1 || c.ReferralsPerAddressWeek != 3 {
		t.Errorf("set: %d a day (want -1: no limit), %d an address a week", c.ReferralsPerDay, c.ReferralsPerAddressWeek)
	}
	for _, tc := range []struct{ flag, value, variable string }{
		{"--referrals-per-day", "-1", "YARDSTICK_REFERRALS_PER_DAY"},
		{"--referrals-per-day", "lots", "YARDSTICK_REFERRALS_PER_DAY"},
		{"--referrals-per-address-week", "1000000", "YARDSTICK_REFERRALS_PER_ADDRESS_WEEK"},
	} {
		if _, _, err := parseConfig("serve", []string{tc.flag, tc.value}, nil); err == nil || !strings.Contains(err.Error(), tc.variable) {
			t.Errorf("%s %s: %v, want a refusal naming %s", tc.flag, tc.value, err, tc.variable)
		}
	}
}

func TestHeavyLimitsConfig(t *testing.T) {
	for _, k := range []string{"YARDSTICK_HEAVY_PER_MEMBER", "YARDSTICK_HEAVY_TOTAL", "YARDSTICK_HEAVY_RUNNING"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	c, _, err := parseConfig("serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HeavyPerMember != 2 || c.HeavyTotal != 4 || c.HeavyRunning != 0 {
		t.Errorf("defaults: %d per member, %d total, %d running; want 2, 4, 0 (half the processors)", c.HeavyPerMember, c.HeavyTotal, c.HeavyRunning)
	}
	c, _, err = parseConfig("serve", []string{"--heavy-per-member", "0", "--heavy-total", "8", "--heavy-running", "3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HeavyPerMember != -1 || c.HeavyTotal != 8 || c.HeavyRunning != 3 {
		t.Errorf("set: %d per member (want -1), %d total, %d running", c.HeavyPerMember, c.HeavyTotal, c.HeavyRunning)
	}
	for _, tc := range []struct{ flag, value, variable string }{
		{"--heavy-per-member", "x", "YARDSTICK_HEAVY_PER_MEMBER"},
		{"--heavy-total", "-2", "YARDSTICK_HEAVY_TOTAL"},
		{"--heavy-running", "0", "YARDSTICK_HEAVY_RUNNING"},
	} {
		if _, _, err := parseConfig("serve", []string{tc.flag, tc.value}, nil); err == nil || !strings.Contains(err.Error(), tc.variable) {
			t.Errorf("%s %s: %v, want a refusal naming %s", tc.flag, tc.value, err, tc.variable)
		}
	}
}

func TestAPIRateConfig(t *testing.T) {
	for _, k := range []string{"YARDSTICK_API_RATE", "YARDSTICK_API_BURST"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	c, _, err := parseConfig("serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIRate != 20 || c.APIBurst != 40 {
		t.Errorf("defaults: %v a second, %d at once; want 20, 40", c.APIRate, c.APIBurst)
	}
	t.Setenv("YARDSTICK_API_RATE", "0.5")
	if c, _, err = parseConfig("serve", []string{"--api-burst", "3"}, nil); err != nil || c.APIRate != 0.5 || c.APIBurst != 3 {
		t.Errorf("set: %v a second, %d at once (%v); want 0.5, 3", c.APIRate, c.APIBurst, err)
	}
	for _, tc := range []struct{ flag, value, variable string }{
		{"--api-rate", "0", "YARDSTICK_API_RATE"},
		{"--api-rate", "NaN", "YARDSTICK_API_RATE"},
		{"--api-rate", "fast", "YARDSTICK_API_RATE"},
		{"--api-burst", "0", "YARDSTICK_API_BURST"},
		{"--api-burst", "1e3", "YARDSTICK_API_BURST"},
	} {
		if _, _, err := parseConfig("serve", []string{tc.flag, tc.value}, nil); err == nil || !strings.Contains(err.Error(), tc.variable) {
			t.Errorf("%s %s: %v, want a refusal naming %s", tc.flag, tc.value, err, tc.variable)
		}
	}
}

func TestMailKeepConfig(t *testing.T) {
	t.Setenv("YARDSTICK_MAIL_KEEP", "")
	os.Unsetenv("YARDSTICK_MAIL_KEEP")
	c, _, err := parseConfig("serve", nil, nil)
	if err != nil || c.MailKeep != 90*24*time.Hour {
		t.Errorf("default: %v (%v); want 90 days", c.MailKeep, err)
	}
	t.Setenv("YARDSTICK_MAIL_KEEP", "0")
	if c, _, err = parseConfig("serve", nil, nil); err != nil || c.MailKeep != 0 {
		t.Errorf("0: %v (%v); want 0, for ever", c.MailKeep, err)
	}
	for _, v := range []string{"-1", "36501", "90d", "", "1e2"} {
		if _, _, err := parseConfig("serve", []string{"--mail-keep", v}, nil); err == nil || !strings.Contains(err.Error(), "YARDSTICK_MAIL_KEEP") {
			t.Errorf("--mail-keep %q: %v, want a refusal naming YARDSTICK_MAIL_KEEP", v, err)
		}
	}
}
