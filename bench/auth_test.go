package bench

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"yardstick/internal/access"
	"yardstick/internal/testkit"
)

// BenchmarkFoundation measures sign-in throughput and a dashboard render
// against /healthz (the hello-world baseline) on the same server.
func BenchmarkFoundation(b *testing.B) {
	eachDB(b, func(b *testing.B, db *testkit.DB) {
		s := newSite(b, db)
		in := testkit.MustCreateInstance(b, db.Store, "BENCH", "Bench Community")
		testkit.MustCreateMember(b, db.Store, in, "ada@example.org", access.PresetAdministration)
		c := s.client()
		s.login(b, c, "ada@example.org")
		mustContain(b, c, s.srv.URL+"/i/BENCH/", "Bench Community")

		b.Run("hello", func(b *testing.B) {
			for b.Loop() {
				get(b, c, s.srv.URL+"/healthz", http.StatusOK)
			}
			reqPerSec(b)
		})
		b.Run("dashboard", func(b *testing.B) {
			for b.Loop() {
				get(b, c, s.srv.URL+"/i/BENCH/", http.StatusOK)
			}
			reqPerSec(b)
		})
		b.Run("signin", func(b *testing.B) {
			form := url.Values{"email": {"ada@example.org"}, "password": {testkit.Password}}
			fresh := s.client()
			for b.Loop() {
				res, err := fresh.PostForm(s.srv.URL+"/login", form)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					b.Fatalf("sign-in: %d", res.StatusCode)
				}
			}
			reqPerSec(b)
		})
	})
}
