package web_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// storeRef is an import of internal/store or a qualified use of it.
var storeRef = regexp.MustCompile(`"yardstick/internal/store"|(^|[^\w.])store\.[A-Z]`)

// TestNoStoreInWeb keeps the data flowing one way (DESIGN.md): handlers and
// views speak internal/app's types, never the store's, so a second
// transport over the same use cases has nothing to copy. Tests may still
// set data up through the store. The API transport (internal/api) keeps
// the same rule.
func TestNoStoreInWeb(t *testing.T) {
	for _, dir := range []string{".", "views", "../api"} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, f := range files {
			switch {
			case strings.HasSuffix(f, "_test.go"):
				continue
			case strings.HasSuffix(f, ".go"):
				parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
				if err != nil {
					t.Fatal(err)
				}
				for _, im := range parsed.Imports {
					if p, _ := strconv.Unquote(im.Path.Value); p == "yardstick/internal/store" {
						t.Errorf("%s imports internal/store; use internal/app's types", f)
					}
				}
				checked++
			case strings.HasSuffix(f, ".templ"):
				// A view can only take a store type by importing the package.
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if storeRef.Match(src) {
					t.Errorf("%s refers to internal/store; views take internal/app's types", f)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Fatalf("no source files found in %s", dir)
		}
	}
}
