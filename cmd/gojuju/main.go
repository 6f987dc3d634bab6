// Command gojuju is a small CLI on top of the gojuju library: status, wait,
// sim and demo.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/gojuju/juju/internal/cli"
)

func main() {
	cli.TuneMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gojuju:", err)
		os.Exit(cli.ExitCode(err))
	}
}
