package model

import "time"

// NoteType is a kind of note section (Story Behind the Curve, …): the
// standard five every instance starts with, and custom ones.
type NoteType struct {
	ID           int64
	InstanceID   int64
	Name         string
	DefaultText  string // offered in an empty note's editor
	HelpText     string // shown beside the note's title
	CharLimit    int    // characters of text a note may hold; 0: no limit of its own
	OnScorecards bool   // the kinds that get a section of this type by default
	OnContainers bool
	OnMeasures   bool
	Builtin      bool
	Position     int
	InUse        int // notes of this type, when listed for the Notes page
}

// DefaultOn reports whether objects of kind ("scorecard", "container",
// "measure") get a section of this type without anyone adding it.
func (t NoteType) DefaultOn(kind string) bool {
	switch kind {
	case "scorecard":
		return t.OnScorecards
	case KindContainer:
		return t.OnContainers
	case KindMeasure:
		return t.OnMeasures
	}
	return false
}

// Target is what a note or comment is on: a scorecard or an object
// (container or measure), exactly one of the two.
type Target struct {
	ScorecardID int64
	ObjectID    int64
}

// Note is one note section of a scorecard or object, with its type.
type Note struct {
	ID         int64 // 0: a default section never saved
	InstanceID int64
	Type       NoteType
	Target     Target
	Body       string // sanitised HTML
	Version    int    // the latest version's number; 0: never saved
	Removed    bool   // a default section someone removed
	Present    bool   // the row exists
	UpdatedBy  string // the last author's name
	UpdatedAt  time.Time
}

// NoteVersion is one saved body of a note.
type NoteVersion struct {
	NoteID     int64
	Version    int
	Body       string
	AuthorName string
	Restored   int // the version this one restored, or 0
	CreatedAt  time.Time
}

// Comment is a dated remark on a scorecard or object, by its author.
type Comment struct {
	ID         int64
	InstanceID int64
	Target     Target
	AuthorID   int64
	AuthorName string
	Body       string // plain text
	CreatedAt  time.Time
	EditedAt   *time.Time
}
