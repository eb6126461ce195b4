package app

import (
	"context"
	"errors"
	"time"
	_ "time/tzdata" // every IANA zone, whatever the host has (instances and members choose them)

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/notes"
	"yardstick/internal/store"
)

// General Settings (issue 18, SPEC §13): the instance's name, time zone,
// default data-entry period, welcome mode, administrator message and logo.

// Data-entry periods the data grid may preselect.
const (
	PeriodCurrent  = "current"
	PeriodPrevious = "previous"
)

// MaxMessage is the most characters (of text) the administrator message
// may hold.
const MaxMessage = 5000

// SettingsInput is the General Settings form.
type SettingsInput struct {
	Name, TimeZone, DataPeriod, WelcomeMode, Message string
}

// SettingsView is what the General Settings page shows.
type SettingsView struct {
	Instance model.Instance
	Message  string // sanitised HTML, "" when none
	HasLogo  bool
}

// Settings opens the General Settings page (settings).
func (a *App) Settings(ctx context.Context, actor *Actor) (SettingsView, error) {
	if err := actor.Require(access.Settings); err != nil {
		return SettingsView{}, err
	}
	in, err := a.store.Q().InstanceByID(ctx, actor.Instance.ID)
	if err != nil {
		return SettingsView{}, err
	}
	msg, err := a.AdminMessage(ctx, actor)
	return SettingsView{Instance: in, Message: msg, HasLogo: in.LogoVersion > 0}, err
}

// AdminMessage is the instance's administrator message (sanitised HTML),
// shown on every member's dashboard; "" when there is none.
func (a *App) AdminMessage(ctx context.Context, actor *Actor) (string, error) {
	f, err := a.store.Q().InstanceFile(ctx, actor.Instance.ID, store.FileMessage)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return string(f.Body), err
}

// ValidZone reports whether tz names an IANA time zone (the embedded
// database has them all); "Local" and "" are not names of one.
func ValidZone(tz string) bool {
	if tz == "" || tz == "Local" {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}

// SaveSettings saves the General Settings (settings). Every change is
// logged with its value before and after; a refused save changes nothing.
func (a *App) SaveSettings(ctx context.Context, actor *Actor, in SettingsInput) error {
	if err := actor.Require(access.Settings); err != nil {
		return err
	}
	fields := map[string]string{}
	var msg string
	if in.Name, msg = cleanText(in.Name, "Name", 1, 120); msg != "" {
		fields["name"] = msg
	}
	if !ValidZone(in.TimeZone) {
		fields["time_zone"] = "Choose a time zone from the list."
	}
	if in.DataPeriod != PeriodCurrent && in.DataPeriod != PeriodPrevious {
		fields["data_period"] = "Choose the current or the previous period."
	}
	if in.WelcomeMode != "password" && in.WelcomeMode != "link" {
		fields["welcome_mode"] = "Choose a temporary password or a sign-in link."
	}
	body := notes.Sanitize(in.Message)
	if notes.Text(body) == "" {
		body = ""
	}
	if n := notes.Len(body); n > MaxMessage {
		fields["message"] = "The message is " + itoa(n) + " characters long; at most " + itoa(MaxMessage) + " are allowed."
	}
	if len(fields) > 0 {
		return invalid("Please correct the highlighted fields.", fields)
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		old, err := q.InstanceByID(ctx, actor.Instance.ID)
		if err != nil {
			return err
		}
		oldMsg := ""
		if f, err := q.InstanceFile(ctx, actor.Instance.ID, store.FileMessage); err == nil {
			oldMsg = string(f.Body)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := q.SetInstanceSettings(ctx, actor.Instance.ID, store.InstanceSettings{Name: in.Name, TimeZone: in.TimeZone,
			DataPeriod: in.DataPeriod, WelcomeMode: in.WelcomeMode}); err != nil {
			return err
		}
		if in.TimeZone != old.TimeZone {
			// Which period is current, and so the scores, follow the zone.
			if err := q.StaleInstanceScores(ctx, actor.Instance.ID); err != nil {
				return err
			}
		}
		if body != oldMsg {
			if body == "" {
				err = q.DeleteInstanceFile(ctx, actor.Instance.ID, store.FileMessage)
			} else {
				err = q.PutInstanceFile(ctx, actor.Instance.ID, store.FileMessage, "text/html", []byte(body))
			}
			if err != nil {
				return err
			}
		}
		changes := changed("name", old.Name, in.Name, "time zone", old.TimeZone, in.TimeZone,
			"data-entry period", old.DataPeriod, in.DataPeriod, "welcome mode", old.WelcomeMode, in.WelcomeMode,
			"administrator message", truncateText(notes.Text(oldMsg), 500), truncateText(notes.Text(body), 500))
		if body != oldMsg && (len(changes) == 0 || changes[len(changes)-1].Field != "administrator message") {
			// Only the markup changed: still a change of the message.
			changes = append(changes, model.Change{Field: "administrator message", Before: "(formatting)", After: "(formatting changed)"})
		}
		if len(changes) == 0 {
			return nil
		}
		return record(ctx, q, entry(actor, ActUpdate, "settings", 0, "General Settings", changes...))
	})
}
