package access

import (
	"fmt"
	"slices"
	"strings"
)

// Permission is one of the 22 permission keys.
type Permission string

// The 22 permissions, in the order the Edit User page lists them.
const (
	CommentaryAdd Permission = "commentary.add"
	NotesEdit     Permission = "notes.edit"
	Embed         Permission = "embed"
	ObjectsEdit   Permission = "objects.edit"
	ObjectsDelete Permission = "objects.delete"
	ActionsEdit   Permission = "actions.edit"
	ActionsDelete Permission = "actions.delete"
	DataEnter     Permission = "data.enter"
	GraphsEdit    Permission = "graphs.edit"
	ActionsStatus Permission = "actions.status"
	ActionsTodos  Permission = "actions.todos"
	InstanceAdmin Permission = "instance.admin"
	Settings      Permission = "settings"
	UsersManage   Permission = "users.manage"
	Defaults      Permission = "defaults"
	Language      Permission = "language"
	Calendars     Permission = "calendars"
	Import        Permission = "import"
	ScorecardsAll Permission = "scorecards.all"
	Compyle       Permission = "compyle"
	ReportsView   Permission = "reports.view"
	ReportsEdit   Permission = "reports.edit"
)

// Info describes a permission for the Edit User page; Name and
// Description are in the Common Terms' form (see All).
type Info struct {
	Key         Permission
	Name        string
	Description string
}

// All lists every permission with its name and description (SPEC §3.1,
// wording from the Users source page). They are written in the form of
// the Common Terms catalogue ("Add/Edit {action}", internal/terms): the
// page showing them expands them with its instance's words, so access
// names no term itself.
var All = []Info{
	{CommentaryAdd, "Add {commentary}", "Can comment on {scorecard:lower} objects."},
	{NotesEdit, "Edit {scorecard} Object {note:many}", "Can edit all the {note:lowmany} of {scorecard:lowmany} they have access to."},
	{Embed, "Embed {scorecard}", "Can view and use the embed code for {scorecard:lower} objects they have access to. (If Add/Edit {scorecard} Objects is also enabled, they can toggle the embed feature for {scorecard:lowmany}.)"},
	{ObjectsEdit, "Add/Edit {scorecard} Objects", "Can edit and create new {scorecard:lower} objects."},
	{ObjectsDelete, "Delete {scorecard} Objects", "Can delete any {scorecard:lower} objects they have access to."},
	{ActionsEdit, "Add/Edit {action}", "Can edit and create new {action:lowmany}."},
	{ActionsDelete, "Delete {action:many}", "Can delete any {action:lowmany} that they have access to."},
	{DataEnter, "Data Entry", "Can add data values to {measure:lowmany}, but cannot change {measure:lower} details."},
	{GraphsEdit, "Edit Graph Settings", "Can access a {measure:lower}'s data graph to change settings."},
	{ActionsStatus, "Update Status", "Can add and edit {action:lower} statuses in the {action} Manager, or for {action:lowmany} in {measure:lowmany} to which they have access."},
	// "To-Do's" is the SPEC's spelling of the plural; kept for the default words.
	{ActionsTodos, "Add {todo}'s", "Can add and edit {todo:lower}'s for {action:lowmany} in the {action} Manager, or for {action:lowmany} in {measure:lowmany} to which they have access."},
	{InstanceAdmin, "Instance Admin", "Can access and make changes to high-security sections of your instance. These include API keys and API XREF, Billing, Partner Connect, User Activity and, if you have multiple instances, all the Multi-Site Tools."},
	{Settings, "Settings", "Can access the General Settings admin page."},
	{UsersManage, "Manage Users", "Can access the Users admin page, for adding and editing users."},
	{Defaults, "{scorecard} Defaults", "Can access the admin pages for {note:many}, {action} Custom Fields, and Global Color Bands."},
	{Language, "Language Editor", "Can access the Common Terms admin page."},
	{Calendars, "Calendar Manager", "Can access the Reporting Frequencies admin page."},
	{Import, "Import/Export", "Can access the Import Users admin page."},
	{ScorecardsAll, "All {scorecard:many}", "Can view every {scorecard:lower} and {scorecard:lower} object in the instance, regardless of other settings. Users without this permission will only be able to see {scorecard:lower} objects that are linked to {scorecard:lowmany} they have access to. If a {scorecard:lower} object is not linked to a {scorecard:lower} then only users with this permission will be able to see it."},
	{Compyle, "Compyle Access", "Can switch to Compyle via the option on the top menu."},
	{ReportsView, "View Reports", "Can access Reports, to view reports and adjust report filters."},
	{ReportsEdit, "Add/Edit Report", "Can access Reports to view, add, edit, and delete reports."},
}

var known = func() map[Permission]Info {
	m := make(map[Permission]Info, len(All))
	for _, p := range All {
		m[p.Key] = p
	}
	return m
}()

// Lookup returns the description of a permission key.
func Lookup(key Permission) (Info, bool) {
	p, ok := known[key]
	return p, ok
}

// Set is a set of permissions.
type Set map[Permission]bool

// NewSet builds a set from keys, refusing unknown ones.
func NewSet(keys ...string) (Set, error) {
	s := make(Set, len(keys))
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if _, ok := known[Permission(k)]; !ok {
			return nil, fmt.Errorf("unknown permission %q", k)
		}
		s[Permission(k)] = true
	}
	return s, nil
}

// MustSet is NewSet for keys known to be valid (constants, presets).
func MustSet(keys ...Permission) Set {
	s := make(Set, len(keys))
	for _, k := range keys {
		if _, ok := known[k]; !ok {
			panic("access: unknown permission " + string(k))
		}
		s[k] = true
	}
	return s
}

// Has reports whether the set holds p.
func (s Set) Has(p Permission) bool { return s[p] }

// Keys returns the keys in canonical (page) order, for storage and display.
func (s Set) Keys() []string {
	out := make([]string, 0, len(s))
	for _, p := range All {
		if s[p.Key] {
			out = append(out, string(p.Key))
		}
	}
	return out
}

// Equal reports whether two sets hold the same permissions.
func (s Set) Equal(o Set) bool {
	return slices.Equal(s.Keys(), o.Keys())
}

// Missing returns the permissions in want that s lacks, in page order.
func (s Set) Missing(want Set) []Permission {
	var out []Permission
	for _, p := range All {
		if want[p.Key] && !s[p.Key] {
			out = append(out, p.Key)
		}
	}
	return out
}
