// Package client speaks a line protocol to buildkitd over a unix socket.
package client

import (
	"bufio"
	"fmt"
	"net"
	"strings"
)

// Request is one command line: a verb and its arguments.
type Request struct {
	Verb string
	Args []string
}

// Encode renders a request as one protocol line.
func (r Request) Encode() string {
	if len(r.Args) == 0 {
		return r.Verb + "\n"
	}
	return r.Verb + " " + strings.Join(r.Args, " ") + "\n"
}

// Decode parses one protocol line.
func Decode(line string) (Request, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return Request{}, fmt.Errorf("empty request")
	}
	return Request{Verb: strings.ToLower(f[0]), Args: f[1:]}, nil
}

// Do sends one request and reads one answer line.
func Do(socket string, r Request) (string, error) {
	c, err := net.Dial("unix", socket)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := c.Write([]byte(r.Encode())); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}
