//go:build bindata

package public

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEmbeddedManifestAndBundle(t *testing.T) {
	m, err := Manifest()
	if err != nil {
		t.Fatal(err)
	}
	js := m["index.js"]
	if !strings.HasPrefix(js, "js/index.") {
		t.Fatalf("manifest: %v", m)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/assets/"+js, nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "relativeTime") {
		t.Fatalf("GET %s: %d %q", js, rec.Code, rec.Body.String())
	}
}
