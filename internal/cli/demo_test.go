package cli

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
)

func demoCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// checkDemoOutput checks that out tells every step of the demo.
func checkDemoOutput(t *testing.T, out string, juju4 bool) {
	t.Helper()
	want := []string{
		"Created model \"admin/gojuju-demo-",
		"Deployed mysql from channel 8.0/stable on base ubuntu@22.04.",
		"Deployed 2 units of wordpress on base ubuntu@22.04.",
		"Integrated wordpress:database with mysql:database (interface mysql_client).",
		"Set wordpress config: blog-name=",
		"Waiting until every unit is active",
		"Settled after",
		`Ran "hostname" on wordpress/0: exit code 0, output "juju-`,
		"Read wordpress/0's data of relation ",
		"(database with mysql:database), as juju show-unit shows it:",
		"mysql/0: egress-subnets, ingress-address, private-address",
		"Ran action get-password on mysql/0 (the leader), completed",
		`Created secret "wordpress-admin" (secret:`,
		"and granted it to wordpress.",
		"Offered mysql:database to other models as ",
		".mysql-db.",
		"Removed wordpress/1; waiting until it is gone",
		"Gone after",
		"Final status:",
		"Destroyed model \"admin/gojuju-demo-",
		"Done in ",
	}
	if juju4 {
		want = append(want,
			`Tried to deploy wordpress with series "jammy"`,
			`series "jammy" is not supported by Juju 4 controllers`,
			`use base "ubuntu@22.04"`)
	} else {
		want = append(want, `still accepts a series such as "jammy"`)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("demo output lacks %q", w)
		}
	}
	// The final table shows the settled model, without the removed unit.
	final := out[strings.Index(out, "Final status:"):]
	for _, unit := range []string{"mysql/0", "wordpress/0"} {
		if !demoTableHasActiveUnit(final, unit) {
			t.Errorf("final status has no active, idle row for %s", unit)
		}
	}
	if strings.Contains(final, "wordpress/1") {
		t.Error("final status still shows the removed wordpress/1")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// demoTableHasActiveUnit reports whether a table row starts with the unit
// (leader mark allowed) and shows it active and idle.
func demoTableHasActiveUnit(out, unit string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && strings.TrimSuffix(f[0], "*") == unit && f[1] == "active" && f[2] == "idle" {
			return true
		}
	}
	return false
}

// checkPlainProgress checks the plain progress lines: each unit is seen
// at least once and settles active and idle; the last line of the removed
// wordpress/1 says it is gone (unless instant agents removed it before the
// wait's first look), the others' show them active and idle.
func checkPlainProgress(t *testing.T, out string, instant bool) {
	t.Helper()
	for _, unit := range []string{"mysql/0", "wordpress/0", "wordpress/1"} {
		var seen, settled, gone bool
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "[") {
				continue
			}
			f := strings.Fields(line[strings.Index(line, "]")+1:])
			if len(f) >= 2 && f[0] == unit {
				seen = true
				gone = f[1] == "gone"
				if len(f) >= 3 && f[1] == "active" && f[2] == "idle" {
					settled = true
				}
			}
		}
		wantGone := unit == "wordpress/1"
		if instant && wantGone {
			wantGone = gone
		}
		if !seen || !settled || gone != wantGone {
			t.Errorf("progress lines for %s: seen %v, active/idle %v, last gone %v", unit, seen, settled, gone)
		}
	}
}

func TestDemoOnSimulator(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		juju4 bool
	}{
		{"juju4 plain", []string{"--speed", "fast", "--idle-period", "200ms"}, true},
		{"juju36 instant", []string{"--speed", "instant", "--idle-period", "100ms", "--juju-version", jujusim.Juju36}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := Run(demoCtx(t), append([]string{"demo"}, tt.args...), nil, &out, &errOut)
			if err != nil {
				t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
			}
			checkDemoOutput(t, out.String(), tt.juju4)
			checkPlainProgress(t, out.String(), slices.Contains(tt.args, "instant"))
			if strings.Contains(out.String(), "\x1b[") {
				t.Error("plain output (not a terminal) contains escape sequences")
			}
		})
	}
}

func TestDemoLiveView(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := Run(demoCtx(t), []string{"demo", "--speed", "fast", "--idle-period", "100ms", "--live", "on"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	s := out.String()
	if !strings.Contains(s, "\x1b[2K") {
		t.Errorf("live view draws no lines:\n%q", s)
	}
	if !strings.Contains(s, "] settled") {
		t.Errorf("live view never shows the settled state:\n%q", s)
	}
}

// TestDemoAgainstController runs the demo with --controller against a
// simulator registered in a temporary JUJU_DATA, and checks that the
// model it created is gone afterwards.
func TestDemoAgainstController(t *testing.T) {
	ctx := demoCtx(t)
	sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant, ControllerName: "mysim"})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	dir := t.TempDir()
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := register(ctx, store, "mysim", sim); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUJU_DATA", dir)
	before := len(sim.Models())

	var out, errOut bytes.Buffer
	err = Run(ctx, []string{"demo", "--controller", "mysim", "--model", "demo-here", "--idle-period", "100ms"}, nil, &out, &errOut)
	if err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	s := out.String()
	for _, w := range []string{`against controller "mysim"`, `Connected to controller "mysim" (Juju 4.0.15)`,
		`Created model "admin/demo-here"`, `Destroyed model "admin/demo-here"`, `Integrated wordpress:database`} {
		if !strings.Contains(s, w) {
			t.Errorf("output lacks %q:\n%s", w, s)
		}
	}
	if strings.Contains(s, "Started a simulated") {
		t.Errorf("demo started its own simulator although --controller was given:\n%s", s)
	}
	if _, ok := sim.ModelUUID("admin", "demo-here"); ok {
		t.Error("the demo's model still exists on the controller")
	}
	if got := len(sim.Models()); got != before {
		t.Errorf("controller has %d models after the demo, want %d", got, before)
	}
}

// TestDemoDestroysModelOnFailure makes the wait fail (a hook error) and
// checks that the demo reports it and still destroys its model.
func TestDemoDestroysModelOnFailure(t *testing.T) {
	ctx := demoCtx(t)
	sim, err := jujusim.Start(ctx, jujusim.Config{Speed: jujusim.SpeedInstant, ControllerName: "failsim"})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	dir := t.TempDir()
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := register(ctx, store, "failsim", sim); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUJU_DATA", dir)
	// Behaviours are keyed by model UUID, and the demo creates its model
	// itself: hold every Application call (the deploys) until the model
	// exists and wordpress's install hook has been made to fail in it.
	release := sim.Stall("Application", "")
	defer release()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer release()
		for ctx.Err() == nil {
			if uuid, ok := sim.ModelUUID("admin", "demo-fail"); ok {
				sim.SetBehaviour(uuid, "wordpress", jujusim.Behaviour{FailHook: "install"})
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var out bytes.Buffer
	err = Run(ctx, []string{"demo", "--controller", "failsim", "--model", "demo-fail", "--idle-period", "100ms"}, nil, &out, &bytes.Buffer{})
	<-done
	if err == nil {
		t.Fatalf("demo succeeded although wordpress's install hook fails:\n%s", out.String())
	}
	t.Logf("demo failed as expected: %v", err)
	if ExitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", ExitCode(err))
	}
	if !strings.Contains(err.Error(), "wordpress") {
		t.Errorf("error does not name the failing application: %v", err)
	}
	if _, ok := sim.ModelUUID("admin", "demo-fail"); ok {
		t.Errorf("the demo's model still exists after the failed run:\n%s", out.String())
	}
}

func TestDemoFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"argument", []string{"extra"}},
		{"unknown flag", []string{"--frobnicate"}},
		{"bad speed", []string{"--speed", "warp"}},
		{"bad version", []string{"--juju-version", "2.9"}},
		{"bad live", []string{"--live", "sometimes"}},
		{"negative idle", []string{"--idle-period", "-1s"}},
		{"bad model name", []string{"--model", "Not_A_Model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := Run(context.Background(), append([]string{"demo"}, tt.args...), nil, &out, &errOut)
			if !errors.Is(err, ErrUsage) || ExitCode(err) != 2 {
				t.Fatalf("demo %v = %v (exit %d), want a usage error", tt.args, err, ExitCode(err))
			}
			if out.Len() != 0 {
				t.Errorf("demo %v printed to stdout: %q", tt.args, out.String())
			}
		})
	}
}

func TestDemoHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"demo", "-h"}, nil, &out, &errOut); err != nil {
		t.Fatalf("demo -h: %v", err)
	}
	if !strings.Contains(errOut.String(), "usage: gojuju demo") || !strings.Contains(errOut.String(), "-controller") {
		t.Errorf("demo -h printed %q", errOut.String())
	}
}
