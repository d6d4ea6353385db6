package client

import (
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, r := range []Request{{Verb: "ping"}, {Verb: "build", Args: []string{"--frontend", "dockerfile.v0"}}} {
		got, err := Decode(r.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if got.Verb != r.Verb || (len(r.Args) > 0 && !reflect.DeepEqual(got.Args, r.Args)) {
			t.Fatalf("round trip of %+v gave %+v", r, got)
		}
	}
	if _, err := Decode("  \n"); err == nil {
		t.Fatal("an empty line decoded")
	}
}
