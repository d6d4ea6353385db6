// Command whoami is a tiny HTTP server that prints OS information and the HTTP request.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

var (
	port    = flag.String("port", "80", "port number")
	name    = flag.String("name", os.Getenv("WHOAMI_NAME"), "give me a name")
	verbose = flag.Bool("verbose", false, "log every request")
)

func main() {
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/", whoamiHandler)
	mux.HandleFunc("/api", apiHandler)
	mux.HandleFunc("/health", healthHandler)
	srv := &http.Server{Addr: ":" + *port, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("Starting up on port %s", *port)
	log.Fatal(srv.ListenAndServe())
}

// Report is what /api answers.
type Report struct {
	Hostname string              `json:"hostname,omitempty"`
	IP       []string            `json:"ip,omitempty"`
	Headers  map[string][]string `json:"headers,omitempty"`
	URL      string              `json:"url,omitempty"`
	Host     string              `json:"host,omitempty"`
	Method   string              `json:"method,omitempty"`
	Name     string              `json:"name,omitempty"`
}

func report(r *http.Request) Report {
	hostname, _ := os.Hostname()
	return Report{
		Hostname: hostname,
		IP:       localIPs(),
		Headers:  r.Header,
		URL:      r.URL.RequestURI(),
		Host:     r.Host,
		Method:   r.Method,
		Name:     *name,
	}
}

func localIPs() []string {
	var ips []string
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok {
			ips = append(ips, ipnet.IP.String())
		}
	}
	sort.Strings(ips)
	return ips
}

func whoamiHandler(w http.ResponseWriter, r *http.Request) {
	if *verbose {
		log.Println(r.Method, r.URL)
	}
	writeText(w, report(r))
}

func writeText(w io.Writer, rep Report) {
	if rep.Name != "" {
		fmt.Fprintln(w, "Name:", rep.Name)
	}
	fmt.Fprintln(w, "Hostname:", rep.Hostname)
	for _, ip := range rep.IP {
		fmt.Fprintln(w, "IP:", ip)
	}
	fmt.Fprintf(w, "%s %s\n", rep.Method, rep.URL)
	fmt.Fprintln(w, "Host:", rep.Host)
	keys := make([]string, 0, len(rep.Headers))
	for k := range rep.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s: %s\n", k, strings.Join(rep.Headers[k], ","))
	}
}

func apiHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(report(r)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func healthHandler(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusOK)
	fmt.Fprintln(w, "ok")
}
