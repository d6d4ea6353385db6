// Package version holds what the build stamps into the binaries with -ldflags -X.
package version

var (
	// Package is filled at build time.
	Package = "github.com/example/buildkitd"

	// Version holds the complete version number. Filled in at linking time.
	Version = "v0.0.0+unknown"

	// Revision is filled with the VCS (e.g. git) revision being used to build
	// the program at linking time.
	Revision = ""
)

// String is what --version prints.
func String(prog string) string {
	s := prog + " " + Package + " " + Version
	if Revision != "" {
		s += " " + Revision
	}
	return s
}
