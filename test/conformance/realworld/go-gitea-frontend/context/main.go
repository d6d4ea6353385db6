// Command gitea serves a page that loads the embedded frontend bundle.
package main

import (
	"flag"
	"fmt"
	"html/template"
	"log"
	"net/http"

	"code.gitea.io/gitea/modules/public"
	"code.gitea.io/gitea/modules/setting"
)

// Version is stamped by the Makefile.
var Version = "development"

var page = template.Must(template.New("home").Parse(`<!DOCTYPE html>
<html><head><title>Gitea: Git with a cup of tea</title><link rel="stylesheet" href="/assets/{{index .Assets "index.css"}}"></head>
<body><h1>Gitea {{.Version}}</h1><relative-time datetime="2024-01-01T00:00:00Z"></relative-time>
<script src="/assets/{{index .Assets "index.js"}}"></script></body></html>
`))

func main() {
	addr := flag.String("port", "3000", "HTTP port")
	flag.Parse()
	if flag.Arg(0) == "--version" || flag.Arg(0) == "version" {
		fmt.Printf("Gitea version %s built with %s\n", Version, "bindata")
		return
	}
	setting.AppVer = Version
	assets, err := public.Manifest()
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/assets/", public.Handler())
	http.HandleFunc("/api/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, `{"status":"pass"}`) })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = page.Execute(w, map[string]any{"Version": Version, "Assets": assets})
	})
	log.Printf("Listening on :%s (custom path %s)", *addr, setting.CustomPath)
	log.Fatal(http.ListenAndServe(":"+*addr, nil))
}
