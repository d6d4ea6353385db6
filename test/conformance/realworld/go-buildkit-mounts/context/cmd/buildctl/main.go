// Command buildctl sends one request to buildkitd.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/example/buildkitd/client"
	"github.com/example/buildkitd/version"
)

func main() {
	addr := flag.String("addr", "/run/buildkit/buildkitd.sock", "buildkitd address")
	showVersion := flag.Bool("version", false, "print the version")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.String("buildctl"))
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: buildctl [--addr SOCKET] VERB [ARGS...]")
		os.Exit(2)
	}
	out, err := client.Do(*addr, client.Request{Verb: flag.Arg(0), Args: flag.Args()[1:]})
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildctl:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}
