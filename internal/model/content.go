package model

import "time"

// Object kinds.
const (
	KindContainer = "container"
	KindMeasure   = "measure"
)

// ObjectType is a container or measure type (Result, Program, Indicator,
// Performance Measure, or one an admin added).
type ObjectType struct {
	ID         int64
	InstanceID int64
	Kind       string
	Name       string
	Plural     string
	Color      string // #rrggbb
	Badge      string // one letter
	Builtin    bool
	InUse      int // objects of this type, when listed for the types page
}

// Frequency is a reporting frequency row.
type Frequency struct {
	ID             int64
	InstanceID     int64
	Title          string
	Kind           string // Monthly, Quarterly, Half Year, Annual, Custom
	PeriodsPerYear int
	StartMonth     int
	StartDay       int
	LabelPrefix    string
	Builtin        bool
	CreatedAt      time.Time
}

// Scorecard is a tree node of the scorecard list.
type Scorecard struct {
	ID           int64
	InstanceID   int64
	Title        string
	Description  string
	ParentID     *int64
	EmbedEnabled bool
	EmbedOrigins string   // origins allowed to frame its embeds, one per line; empty: any
	ExtID        string   // the external id integrations address it by (ext:ID); empty: none
	LockMode     string   // LockNormal, LockStructure or LockData
	LockReason   string   // why it is locked, shown where the lock refuses a change
	Columns      []string // the table's columns in order (app.ColumnIDs); nil: the standard seven
	ExpandDepth  int      // levels of the tree shown at first, 1–4; 0: all
	ScoresOn     bool     // shows its accountability scores (issue 28, point 7)
	ScoresShared bool     // partners it is shared with see its scores too
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Divider is a titled separator among a scorecard's top-level rows (issue
// 28): no data, no type; it takes a place among the rows (Position).
type Divider struct {
	ID          int64
	InstanceID  int64
	ScorecardID int64
	Title       string
	Position    int
}

// Lock modes of a scorecard (issue 28), from open to read-only.
const (
	LockNormal    = "normal"
	LockStructure = "structure" // no object added, removed, re-linked, reordered or edited through it
	LockData      = "data"      // structure and data: read-only for everyone
)

// Object is a container or a measure. Measure fields are zero on
// containers.
type Object struct {
	ID          int64
	InstanceID  int64
	Kind        string
	TypeID      int64
	TypeName    string // joined from object_types
	TypeBadge   string
	TypeColor   string
	Title       string
	Description string
	Tags        []string // first is primary

	Unit         string
	UnitBefore   bool
	Decimals     int
	Polarity     string
	FrequencyID  *int64
	Frequency    *Frequency // joined where a query reads one object (nil elsewhere: look it up)
	PMCategory   string     // how_much, how_well, better_off, or ""
	DataSource   string
	BaselineKey  string
	BandGreen    *float64 // per-measure override; nil uses the global default
	BandYellow   *float64
	GraphTitle   string
	GraphType    string
	GraphTargets bool
	GraphPeriods int
	GraphYMin    *float64
	GraphYMax    *float64
	ExtID        string // the external id integrations address it by (ext:ID); empty: none

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DataValue is one period's data of a measure.
type DataValue struct {
	MeasureID int64
	PeriodKey string // YYYY-MM-DD start of the period
	Actual    *float64
	Target    *float64
	Forecast  *float64 // the period's actual if nothing changes (issue 28)
	Comment   string
	UpdatedBy *int64
	UpdatedAt time.Time
	Version   int64 // 0 when no row exists yet
}

// BandSetting is the global default colour bands of one polarity.
type BandSetting struct {
	Polarity      string
	Green, Yellow float64
}

// Calculation is a calculated measure's definition (issue 22): how its
// inputs combine (internal/calc's methods) and its inputs in order, A, B,
// …; an input is its own instance's measure or a partner's shared one.
type Calculation struct {
	InstanceID, MeasureID int64
	Method                string
	Formula               string
	Partial               bool // Sum to Count use the inputs that have a value
	CalcTargets           bool // targets are calculated too (otherwise typed)
	Inputs                []CalcInput
	// Frequency is the calculated measure's, when read with it (nil when
	// it has none).
	Frequency *Frequency
	UpdatedAt time.Time
}

// CalcInput is one input of a calculation: a measure of an instance.
type CalcInput struct {
	InstanceID, MeasureID int64
}
