// Package version is stamped by the build (-ldflags -X), as prometheus/common/version is.
package version

import (
	"fmt"
	"runtime"
)

var (
	Version   = "unknown"
	Revision  = "unknown"
	Branch    = "unknown"
	BuildUser = "unknown"
)

// Print is what --version shows.
func Print(program string) string {
	return fmt.Sprintf("%s, version %s (branch: %s, revision: %s)\n  build user:       %s\n  go version:       %s\n  platform:         %s/%s",
		program, Version, Branch, Revision, BuildUser, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
