package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves embedded files under content-hashed URLs
// (/static/{hash}/{name}) so browsers may cache them for a year.
type assets struct {
	urls  map[string]string // name → URL
	files map[string][]byte // URL → content
}

func loadAssets() *assets {
	a := &assets{urls: map[string]string{}, files: map[string][]byte{}}
	fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		u := "/static/" + hex.EncodeToString(sum[:6]) + "/" + name
		a.urls[name] = u
		a.files[u] = b
		return nil
	})
	return a
}

// URL returns the hashed URL of a static file.
func (a *assets) URL(name string) string { return a.urls[name] }

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	b, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(r.URL.Path, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(r.URL.Path, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
