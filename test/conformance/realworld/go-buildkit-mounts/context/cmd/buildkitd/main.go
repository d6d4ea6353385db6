// Command buildkitd answers buildctl's requests on a unix socket.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"os"

	"github.com/example/buildkitd/client"
	"github.com/example/buildkitd/version"
)

func serve(c net.Conn) {
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	req, err := client.Decode(line)
	if err != nil {
		fmt.Fprintf(c, "error: %v\n", err)
		return
	}
	switch req.Verb {
	case "ping":
		fmt.Fprintln(c, "pong")
	case "version":
		fmt.Fprintln(c, version.String("buildkitd"))
	default:
		fmt.Fprintf(c, "error: unknown verb %q\n", req.Verb)
	}
}

func main() {
	addr := flag.String("addr", "/run/buildkit/buildkitd.sock", "listening address")
	showVersion := flag.Bool("version", false, "print the version")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.String("buildkitd"))
		return
	}
	os.Remove(*addr)
	l, err := net.Listen("unix", *addr)
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c)
	}
}
