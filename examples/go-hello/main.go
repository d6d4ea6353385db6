// hello: the seed example for drydock. A tiny stdlib-only program that reports where it runs,
// so the multi-stage image (busybox + this binary) can be told apart from the toolchain image.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

func main() {
	greeting := "hello from drydock"
	if len(os.Args) > 1 {
		greeting = strings.Join(os.Args[1:], " ")
	}
	_, err := os.Stat("/usr/lib/go")
	fmt.Printf("%s\n", greeting)
	fmt.Printf("built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("go toolchain in this image: %v\n", err == nil)
}
