// Command node_exporter serves node metrics for Prometheus on /metrics.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/example/node_exporter/collector"
	"github.com/example/node_exporter/internal/version"
)

func main() {
	listen := flag.String("web.listen-address", ":9100", "Address on which to expose metrics and web interface.")
	path := flag.String("web.telemetry-path", "/metrics", "Path under which to expose metrics.")
	procfs := flag.String("path.procfs", "/proc", "procfs mountpoint.")
	showVersion := flag.Bool("version", false, "Show version information.")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Print("node_exporter"))
		return
	}
	c := collector.Collector{ProcPath: *procfs}
	http.HandleFunc(*path, func(w http.ResponseWriter, r *http.Request) {
		var all []collector.Metric
		for _, f := range []func() ([]collector.Metric, error){c.LoadAvg, c.MemInfo} {
			ms, err := f()
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			all = append(all, ms...)
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_ = collector.Write(w, all)
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "<html><head><title>Node Exporter</title></head><body><h1>Node Exporter</h1><p><a href=%q>Metrics</a></p></body></html>\n", *path)
	})
	log.Printf("Listening on %s", *listen)
	if err := http.ListenAndServe(*listen, nil); err != nil {
		log.Println(err)
		os.Exit(1)
	}
}
