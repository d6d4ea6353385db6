// Package setting holds the values stamped at build time and read from the environment.
package setting

import "os"

var (
	// AppVer is set with -ldflags -X main.Version.
	AppVer = "dev"
	// StaticRootPath is where public/ is found without bindata.
	StaticRootPath = envOr("GITEA_STATIC_ROOT", ".")
	// CustomPath is GITEA_CUSTOM.
	CustomPath = envOr("GITEA_CUSTOM", "custom")
)

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}
