//go:build !bindata

package public

import (
	"io/fs"
	"os"
	"path/filepath"

	"code.gitea.io/gitea/modules/setting"
)

// Assets are read from the static root at run time.
func Assets() fs.FS {
	return os.DirFS(filepath.Join(setting.StaticRootPath, "public", "assets"))
}
