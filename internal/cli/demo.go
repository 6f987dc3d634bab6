package cli

import (
	"context"
	"fmt"
	"io"
)

// runDemo is a placeholder until the simulator and the juju package land:
// it explains what the demo will do.
func runDemo(_ context.Context, _ []string, stdout, _ io.Writer) error {
	fmt.Fprintln(stdout, "gojuju demo: coming soon.")
	fmt.Fprintln(stdout, "It will start the embedded simulated Juju controller, deploy two applications,")
	fmt.Fprintln(stdout, "integrate them, wait for them to settle and print the status.")
	return nil
}
