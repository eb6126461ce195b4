package importer

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseWorstCases feeds files near MaxBytes built to be slow or to make
// long messages: each must finish quickly with a short message.
func TestParseWorstCases(t *testing.T) {
	fill := func(prefix, unit string) []byte {
		b := []byte(prefix)
		for len(b)+len(unit) <= MaxBytes {
			b = append(b, unit...)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"a million unknown columns", fill("username,first_name,last_name,role_group,send_email", ",x")},
		{"a million unnamed columns in the middle", fill("username", ", ")},
		{"a million duplicated columns", fill("username,first_name,last_name,role_group,send_email", ",username")},
		{"unclosed quote over the whole file", fill(hdr+"ann@example.org,\"Ann", ",Lee,User,true\n")},
		{"only CRs", fill("", "\r")},
		{"emptied rows", fill(hdr, ",,,,\r\n")},
		{"one huge value", fill(hdr+"ann@example.org,", "a")},
		{"wide trailing columns", fill(hdr[:len(hdr)-1]+strings.Repeat(",", 100000)+"\n", "ann@example.org,Ann,Lee,User,true"+strings.Repeat(",", 1000)+"x\n")},
		{"short rows", fill(hdr, "a\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			f, err := Parse(bytes.NewReader(tt.data))
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			var fe *FileError
			switch {
			case errors.As(err, &fe):
				if len(fe.Msg) > 500 {
					t.Errorf("message of %d bytes: %.200q…", len(fe.Msg), fe.Msg)
				}
			case err != nil:
				t.Fatal(err)
			default:
				for _, r := range f.Rows {
					for _, e := range r.Errors {
						if len(e) > 500 {
							t.Fatalf("line %d: message of %d bytes", r.Line, len(e))
						}
					}
				}
			}
		})
	}
}
