package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"yardstick/internal/access"
	"yardstick/internal/importer"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// Import outcomes, as the preview and the results file name them. A row
// whose address has an account elsewhere is invited, one without is
// created: both read "invite or create", so an import never tells whether
// an address has an account (SPEC §11).
const (
	OutcomeCreate = "invite or create"
	OutcomeNames  = "update names"
	OutcomeNone   = "no change"
	OutcomeError  = "error"
)

// ImportRow is what the import does, or did, with one row.
type ImportRow struct {
	importer.Row
	Outcome string
	Message string
	account int64 // existing account, when there is one
}

// ImportPlan is a dry run (or, after RunImport, the outcome) of an upload.
type ImportPlan struct {
	ID       int64
	FileName string
	Rows     []ImportRow
	Counts   map[string]int
	Token    string // fingerprint of the plan: Run refuses if it changed
	Ran      bool
}

// UploadImport reads an uploaded file, keeps it, and returns its dry run
// (import). A file refused as a whole is Invalid with the reason.
func (a *App) UploadImport(ctx context.Context, actor *Actor, fileName string, r io.Reader) (ImportPlan, error) {
	if err := actor.Require(access.Import); err != nil {
		return ImportPlan{}, err
	}
	var raw bytes.Buffer
	file, err := importer.Parse(io.TeeReader(r, &raw))
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return ImportPlan{}, fieldError("file", fe.Msg)
	}
	if err != nil {
		return ImportPlan{}, err
	}
	name, msg := cleanText(fileName, "File name", 0, 200)
	if msg != "" || name == "" {
		name = "upload.csv"
	}
	im, err := a.store.Q().CreateImport(ctx, store.Import{InstanceID: actor.Instance.ID, MembershipID: actor.Membership.ID,
		FileName: name, FileHash: file.Hash, Content: raw.String()})
	if err != nil {
		return ImportPlan{}, err
	}
	return a.PreviewImport(ctx, actor, im.ID)
}

// PreviewImport plans a kept upload against the instance as it is now.
func (a *App) PreviewImport(ctx context.Context, actor *Actor, id int64) (ImportPlan, error) {
	if err := actor.Require(access.Import); err != nil {
		return ImportPlan{}, err
	}
	q := a.store.Q()
	im, err := q.ImportByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return ImportPlan{}, mapNotFound(err)
	}
	if im.RanAt != nil {
		return ranPlan(im)
	}
	return a.planUpload(ctx, q, actor, im)
}

// ranPlan shows what a run did, from its stored results, not a fresh
// plan of the same file (which would now say "no change" everywhere).
func ranPlan(im store.Import) (ImportPlan, error) {
	results, err := importer.ReadResults(strings.NewReader(im.Results))
	if err != nil {
		return ImportPlan{}, err
	}
	file, err := importer.Parse(strings.NewReader(im.Content))
	if err != nil {
		return ImportPlan{}, err
	}
	byLine := map[int]importer.Row{}
	for _, r := range file.Rows {
		byLine[r.Line] = r
	}
	p := ImportPlan{ID: im.ID, FileName: im.FileName, Counts: map[string]int{}, Ran: true}
	for _, r := range results {
		row := byLine[r.Line]
		row.Line, row.Email = r.Line, r.Email
		p.Rows = append(p.Rows, ImportRow{Row: row, Outcome: r.Outcome, Message: r.Message})
		p.Counts[r.Outcome]++
	}
	return p, nil
}

func (a *App) planUpload(ctx context.Context, q *store.Q, actor *Actor, im store.Import) (ImportPlan, error) {
	file, err := importer.Parse(strings.NewReader(im.Content))
	if err != nil {
		return ImportPlan{}, err
	}
	rows, err := a.planRows(ctx, q, actor, file)
	if err != nil {
		return ImportPlan{}, err
	}
	p := ImportPlan{ID: im.ID, FileName: im.FileName, Rows: rows, Counts: map[string]int{}, Ran: im.RanAt != nil}
	h := sha256.New()
	h.Write([]byte(im.FileHash))
	for _, r := range rows {
		p.Counts[r.Outcome]++
		// The message carries the names a change shows, so a rename after
		// the preview changes the fingerprint too.
		fmt.Fprintf(h, "\n%d %s %s %s", r.Line, r.Outcome, r.Email, r.Message)
	}
	p.Token = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

// planRows decides each row's outcome against the instance in a fixed
// number of queries (accounts and memberships are read in batches).
func (a *App) planRows(ctx context.Context, q *store.Q, actor *Actor, file importer.File) ([]ImportRow, error) {
	var emails []string
	for _, r := range file.Rows {
		if len(r.Errors) == 0 {
			emails = append(emails, r.Email)
		}
	}
	accounts, err := q.AccountsByEmail(ctx, emails)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(accounts))
	for _, acct := range accounts {
		ids = append(ids, acct.ID)
	}
	members, err := q.MembersOfAccounts(ctx, actor.Instance.ID, ids)
	if err != nil {
		return nil, err
	}
	// Names of an account are the instance's to change only when it
	// manages every instance the account joined (accountLock).
	joined, err := q.AccountInstances(ctx, ids)
	if err != nil {
		return nil, err
	}
	managed, err := q.ManagedInstances(ctx, actor.Account.ID)
	if err != nil {
		return nil, err
	}
	used, err := q.SeatsUsed(ctx, actor.Instance.ID)
	if err != nil {
		return nil, err
	}
	free := actor.Instance.Seats - used
	holdsAll := len(access.CanGrant(actor.Perms, nil, access.MustPreset(access.PresetAdministration))) == 0
	out := make([]ImportRow, 0, len(file.Rows))
	for _, r := range file.Rows {
		row := ImportRow{Row: r}
		name := strings.TrimSpace(r.FirstName + " " + r.LastName)
		acct, known := accounts[r.Email]
		m, member := members[acct.ID]
		switch {
		case len(r.Errors) > 0:
			row.Outcome, row.Message = OutcomeError, strings.Join(r.Errors, " ")
		case r.Administrator && !holdsAll && !member:
			row.Outcome, row.Message = OutcomeError, "You cannot import Administrator rows: you do not hold every permission yourself."
		case known && member && m.Invited:
			row.Outcome, row.Message = OutcomeNone, "Invited; waiting for them to accept."
		case known && member && acct.Name != name && !managesAll(joined[acct.ID], managed):
			// The account also belongs where this manager does not manage
			// users: its names are not this instance's to change (and a
			// re-run stays a no-op).
			row.Outcome, row.Message = OutcomeNone, "Names differ, but the account also belongs to another organization; they stay “"+acct.Name+"”."
		case known && member && acct.Name == name:
			row.Outcome = OutcomeNone
			if !m.Active {
				row.Message = "Inactive member; reactivate from the Users list."
			}
		case known && member:
			row.Outcome, row.Message, row.account = OutcomeNames, "“"+acct.Name+"” becomes “"+name+"”.", acct.ID
		case free <= 0:
			// Invitations use no seat, but they count here as creations
			// do, or the preview would tell which addresses have accounts.
			row.Outcome, row.Message = OutcomeError, fmt.Sprintf("Would exceed the seat limit (%d seats). See the Billing page.", actor.Instance.Seats)
		default:
			row.Outcome = OutcomeCreate
			if known {
				row.account = acct.ID
			}
			free--
		}
		out = append(out, row)
	}
	return out, nil
}

// RunImport applies every valid row of a previewed upload in one
// transaction (import). It refuses, writing nothing, when the plan no
// longer matches the preview the manager saw (token): the file or the
// instance changed meanwhile. Passwords are never kept or shown.
func (a *App) RunImport(ctx context.Context, actor *Actor, id int64, token string) (ImportPlan, error) {
	if err := actor.Require(access.Import); err != nil {
		return ImportPlan{}, err
	}
	var plan ImportPlan
	err := a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.LockInstance(ctx, actor.Instance.ID); err != nil {
			return err
		}
		im, err := q.ImportByID(ctx, actor.Instance.ID, id)
		if err != nil {
			return mapNotFound(err)
		}
		if im.RanAt != nil {
			return errConflict("This file was imported already. Upload it again to import it once more.")
		}
		if plan, err = a.planUpload(ctx, q, actor, im); err != nil {
			return err
		}
		if plan.Token != token {
			return errConflict("The instance changed since the preview, so nothing was imported. Check the new preview and run it again.")
		}
		for i := range plan.Rows {
			if err := a.applyRow(ctx, q, actor, &plan.Rows[i]); err != nil {
				return err
			}
		}
		if err := record(ctx, q, entry(actor, ActImport, "users", id, plan.FileName, importSummary(plan)...)); err != nil {
			return err
		}
		var results bytes.Buffer
		if err := importer.WriteResults(&results, plan.resultRows()); err != nil {
			return err
		}
		plan.Ran = true
		return q.FinishImport(ctx, actor.Instance.ID, id, results.String())
	})
	return plan, err
}

// applyRow carries out one planned row inside the import's transaction.
func (a *App) applyRow(ctx context.Context, q *store.Q, actor *Actor, r *ImportRow) error {
	name := strings.TrimSpace(r.FirstName + " " + r.LastName)
	preset := access.PresetPresenter
	if r.Administrator {
		preset = access.PresetAdministration
	}
	addMember := func(accountID int64) error {
		m, err := q.CreateMembership(ctx, model.Membership{InstanceID: actor.Instance.ID, AccountID: accountID,
			Permissions: access.MustPreset(preset).Keys(), Preset: preset, Role: preset, Active: true, ActionEmails: true})
		if err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActMembership, "member", m.ID, r.Email, model.Change{Field: "added", After: "import, " + preset}))
	}
	switch r.Outcome {
	case OutcomeCreate:
		if r.account != 0 {
			acct, err := q.AccountByID(ctx, r.account)
			if err != nil {
				return err
			}
			if _, err := a.inviteAccount(ctx, q, actor, acct, preset, "import", r.SendEmail); err != nil {
				return err
			}
		} else {
			acct, welcome, err := a.newAccount(ctx, q, actor.Instance, r.Email, name)
			if err != nil {
				return err
			}
			if err := addMember(acct.ID); err != nil {
				return err
			}
			if r.SendEmail {
				if _, err := q.EnqueueMail(ctx, welcome); err != nil {
					return err
				}
			}
		}
		if !r.SendEmail {
			r.Message = "No email sent."
		}
	case OutcomeNames:
		if err := q.UpdateAccountName(ctx, r.account, name); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "member", 0, r.Email, model.Change{Field: "name", After: name}))
	}
	return nil
}

func importSummary(p ImportPlan) []model.Change {
	var out []model.Change
	for _, o := range []string{OutcomeCreate, OutcomeNames, OutcomeNone, OutcomeError} {
		if n := p.Counts[o]; n > 0 {
			out = append(out, model.Change{Field: o, After: itoa(n)})
		}
	}
	return out
}

func (p ImportPlan) resultRows() []importer.Result {
	out := make([]importer.Result, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = importer.Result{Line: r.Line, Email: r.Email, Outcome: r.Outcome, Message: r.Message}
	}
	return out
}

// ImportResults returns the results file of a run upload (import).
func (a *App) ImportResults(ctx context.Context, actor *Actor, id int64) (string, error) {
	if err := actor.Require(access.Import); err != nil {
		return "", err
	}
	im, err := a.store.Q().ImportByID(ctx, actor.Instance.ID, id)
	if err != nil {
		return "", mapNotFound(err)
	}
	if im.RanAt == nil {
		return "", errNotFound()
	}
	return im.Results, nil
}
