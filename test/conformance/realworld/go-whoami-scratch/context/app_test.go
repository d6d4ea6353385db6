package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteTextSortsHeaders(t *testing.T) {
	var b bytes.Buffer
	writeText(&b, Report{Hostname: "h", Method: "GET", URL: "/x", Host: "example",
		Headers: map[string][]string{"X-B": {"2"}, "X-A": {"1", "3"}}})
	want := "Hostname: h\nGET /x\nHost: example\nX-A: 1,3\nX-B: 2\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}

func TestHealth(t *testing.T) {
	rec := httptest.NewRecorder()
	healthHandler(rec, httptest.NewRequest("GET", "/health", nil))
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "ok" {
		t.Fatalf("health: %d %q", rec.Code, rec.Body.String())
	}
}
