package version

import "testing"

func TestString(t *testing.T) {
	Version, Revision = "v1.2.3", "abc"
	if got, want := String("x"), "x "+Package+" v1.2.3 abc"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	Revision = ""
	if got, want := String("x"), "x "+Package+" v1.2.3"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
