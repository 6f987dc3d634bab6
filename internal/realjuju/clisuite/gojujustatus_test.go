package clisuite_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/internal/cli"
	"github.com/gojuju/juju/internal/realjuju"
)

// TestGojujuStatusMatchesRealCLI deploys a charm with the real juju CLI
// on every target, then compares what `gojuju status` prints with what
// the real CLI prints for the same model, in YAML and JSON, once
// normalised (the two read the model a moment apart). On the 3.6
// simulator the juju 3.6 CLI is the reference.
//
// It sets JUJU_DATA for gojuju (cli.Run reads it from the environment),
// so it does not run in parallel.
func TestGojujuStatusMatchesRealCLI(t *testing.T) {
	dir := t.TempDir()
	charm := charmArchive(t, dir, "suite-db")
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			juju := realjuju.CLI(t, tg.cli)
			jujuData, _ := tg.start(t)
			t.Setenv("JUJU_DATA", jujuData)
			model := "gstatus"
			for _, args := range [][]string{
				{"add-model", model},
				{"deploy", "-m", model, charm, "db", "--base", "ubuntu@22.04"},
			} {
				if r := runJuju(juju, jujuData, 2*time.Minute, args...); r.exit != 0 {
					t.Fatalf("juju %s: exit %d\n%s%s", strings.Join(args, " "), r.exit, r.stdout, r.stderr)
				}
			}
			t.Cleanup(func() {
				runJuju(juju, jujuData, 3*time.Second, "destroy-model", model, "--no-prompt", "--force", "--no-wait")
			})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			gojuju := func(args ...string) string {
				t.Helper()
				var out, errOut bytes.Buffer
				if err := cli.Run(ctx, args, strings.NewReader(""), &out, &errOut); err != nil {
					t.Fatalf("gojuju %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
				}
				return out.String()
			}
			if tg.agents {
				gojuju("wait", "-m", model, "--status", "active", "--idle-period", "0s", "--timeout", "1m")
			}
			for _, format := range []string{"yaml", "json", "tabular"} {
				want := runJuju(juju, jujuData, 2*time.Minute, "status", "-m", model, "--format", format)
				if want.exit != 0 {
					t.Fatalf("juju status --format %s: exit %d\n%s", format, want.exit, want.stderr)
				}
				got := gojuju("status", "-m", model, "--format", format)
				if diff := cmp.Diff(normalise(want.stdout), normalise(got)); diff != "" {
					t.Errorf("gojuju status --format %s differs from juju %s's (-juju +gojuju):\n%s", format, tg.cli, diff)
				}
			}
		})
	}
}
