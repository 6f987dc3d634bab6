// Command measure runs one command and prints what it cost: CPU (user +
// system), peak RSS and wall time, from the child's rusage. benchtable
// -compare runs every measured command through it.
//
//	measure OUTFILE COMMAND [ARG...]
//
// The command's stdout and stderr go to OUTFILE and OUTFILE.err. measure
// prints one line, "cpu-ns rss-bytes wall-ns exit-code", and exits 0 unless
// it could not run the command.
//
// Why a process of its own: on Linux a child's peak RSS (ru_maxrss) is at
// least that of the process that spawned it, since the spawner's memory
// is accounted to the child until it execs. benchtable holds the outputs
// and, on the real server, a model of 10,000 units; this small program
// holds nothing, so the figure is the command's own.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: measure OUTFILE COMMAND [ARG...]")
		os.Exit(2)
	}
	out, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
	errOut, err := os.Create(os.Args[1] + ".err")
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdout, cmd.Stderr = out, errOut
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
	ps := cmd.ProcessState
	fmt.Printf("%d %d %d %d\n", int64(ps.UserTime()+ps.SystemTime()), maxRSS(ps), int64(wall), ps.ExitCode())
}
