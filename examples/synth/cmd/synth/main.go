//go:build devtools

// Command synth writes a synthetic catalog of N services into DIR, for
// benchmarks of the whole svcgen binary: synth -n 1000 /tmp/cat1000
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/svcgen/svcgen/examples/synth"
)

func main() {
	n := flag.Int("n", 100, "number of services")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: synth -n N DIR")
		os.Exit(2)
	}
	if err := synth.Write(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}
