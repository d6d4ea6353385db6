// Package public serves the frontend assets: embedded into the binary with the bindata tag
// (as Gitea's release builds do), read from disk otherwise.
package public

import (
	"encoding/json"
	"io/fs"
	"net/http"
)

// Manifest maps entry names (index.js) to their hashed file names.
func Manifest() (map[string]string, error) {
	b, err := fs.ReadFile(Assets(), "manifest.json")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	return m, json.Unmarshal(b, &m)
}

// Handler serves the assets under /assets/.
func Handler() http.Handler {
	return http.StripPrefix("/assets/", http.FileServer(http.FS(Assets())))
}
