package access

import "testing"

func TestObjectLockIsTheMostOpen(t *testing.T) {
	tests := []struct {
		in   []Lock
		want Lock
	}{
		{nil, Unlocked},
		{[]Lock{DataLocked}, DataLocked},
		{[]Lock{DataLocked, StructureLocked}, StructureLocked},
		{[]Lock{StructureLocked, Unlocked, DataLocked}, Unlocked},
	}
	for _, tt := range tests {
		if got := ObjectLock(tt.in...); got != tt.want {
			t.Errorf("ObjectLock(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	for mode, want := range map[string]Lock{"normal": Unlocked, "structure": StructureLocked, "data": DataLocked, "": Unlocked} {
		if got := LockOf(mode); got != want {
			t.Errorf("LockOf(%q) = %v", mode, got)
		}
	}
}

func TestLockedNarrowsCan(t *testing.T) {
	all := Can{View: true, Edit: true, Delete: true, EnterData: true, EditGraph: true, Assign: true, EditNotes: true, Comment: true, History: true, Lock: true}
	tests := []struct {
		l    Lock
		want Can
	}{
		{Unlocked, all},
		{StructureLocked, Can{View: true, EnterData: true, Assign: true, Comment: true, History: true, Lock: true}},
		{DataLocked, Can{View: true, Assign: true, History: true, Lock: true}},
	}
	for _, tt := range tests {
		if got := all.Locked(tt.l); got != tt.want {
			t.Errorf("Locked(%v) = %+v, want %+v", tt.l, got, tt.want)
		}
	}
}
