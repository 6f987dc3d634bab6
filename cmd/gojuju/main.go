// Command gojuju is a small CLI on top of the gojuju library: status, wait,
// sim and demo.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gojuju/juju/internal/cli"
)

func main() {
	cli.TuneMemory()
	// SIGTERM too: a test harness or service manager stops gojuju sim
	// with it, and the simulator must unregister from JUJU_DATA on the way out.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gojuju:", err)
		os.Exit(cli.ExitCode(err))
	}
}
