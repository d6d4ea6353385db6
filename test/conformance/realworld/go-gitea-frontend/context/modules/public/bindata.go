//go:build bindata

package public

import (
	"embed"
	"io/fs"
)

//go:embed assets
var assets embed.FS

// Assets are the files built by `npm run build`, embedded.
func Assets() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err)
	}
	return sub
}
