package access

// Lock is how far a scorecard's lock mode closes what sits under it
// (issue 28, point 1), from open to read-only.
type Lock int

// The locks, in order: each closes what the one before it does, and more.
const (
	Unlocked        Lock = iota
	StructureLocked      // no object added, removed, re-linked, reordered or edited through it; data entry open
	DataLocked           // structure and data: read-only for everyone, administrators too
)

// LockOf reads a scorecard's stored lock mode; anything unknown is
// unlocked, as the database's CHECK allows nothing else.
func LockOf(mode string) Lock {
	switch mode {
	case "structure":
		return StructureLocked
	case "data":
		return DataLocked
	}
	return Unlocked
}

// ObjectLock is the lock of an object from the scorecards it sits under:
// the most open of them, since an object also on an unlocked scorecard
// stays editable there. An object on no scorecard is unlocked.
func ObjectLock(scorecards ...Lock) Lock {
	if len(scorecards) == 0 {
		return Unlocked
	}
	l := DataLocked
	for _, s := range scorecards {
		l = min(l, s)
	}
	return l
}

// Locked narrows what a member may do with content under lock l: a
// structure lock takes editing, deleting and the graph and notes settings;
// a data lock also data entry and commentary. Seeing, assigning and the
// history stay.
func (c Can) Locked(l Lock) Can {
	if l >= StructureLocked {
		c.Edit, c.Delete, c.EditGraph, c.EditNotes = false, false, false, false
	}
	if l >= DataLocked {
		c.EnterData, c.Comment = false, false
	}
	return c
}
