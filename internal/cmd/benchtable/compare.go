package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/realjuju"
)

// The -compare mode: gojuju and the real juju CLI as whole processes.
//
// It builds cmd/gojuju, then for each model size runs `juju status
// --format=json` and `gojuju status --format=json` alternately on the same
// model, through the same JUJU_DATA, and prints each one's CPU (user+sys
// of the child's rusage), peak RSS (the child's rusage Maxrss) and wall
// time, as medians over the runs, and gojuju's ratios to juju. The models
// are served by `gojuju sim --seed` (applications of 100 units, settled)
// and, when ../shared/realjuju is present, by the real Juju 4.0.15 API
// server (one application of a local charm; the server runs no agents, so
// the units stay pending). It also runs `gojuju wait` against the largest
// simulated model for -wait-time, polling a condition that never holds,
// and prints its CPU and peak RSS: the process-level figure of a long
// wait. Without ../shared/realjuju it prints the gojuju figures alone and
// one line saying why the comparison is skipped.

// compareConfig holds the -compare flags.
type compareConfig struct {
	units    []int
	beds     []string
	runs     int
	waitTime time.Duration
	out      io.Writer
	log      io.Writer
}

// measurement is what one child process cost.
type measurement struct {
	cpu  time.Duration // user + system
	rss  int64         // peak resident set, bytes
	wall time.Duration
}

// result is one row of the comparison: the median of each figure over the
// runs, for each CLI.
type result struct {
	bed, what string
	units     int
	seed      time.Duration
	juju      *measurement // nil: not measured
	gojuju    measurement
	same      string // how the outputs compare
}

// runCompare runs the comparison and prints its table.
func runCompare(ctx context.Context, cfg compareConfig) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "benchcompare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	gojuju := filepath.Join(tmp, "gojuju")
	fmt.Fprintln(cfg.log, "building cmd/gojuju")
	build := exec.CommandContext(ctx, "go", "build", "-o", gojuju, "./cmd/gojuju")
	build.Dir, build.Stdout, build.Stderr = root, cfg.log, cfg.log
	if err := build.Run(); err != nil {
		return fmt.Errorf("cannot build gojuju: %w", err)
	}

	var jujuCLI, skipped string
	var realDir string
	if dir, err := realjuju.FindDir(); err != nil {
		skipped = err.Error()
	} else if p, err := realjuju.Path(ctx, dir, realjuju.CLI40); err != nil {
		skipped = err.Error()
	} else {
		jujuCLI, realDir = p, dir
	}

	var rows []result
	for _, bed := range cfg.beds {
		switch bed {
		case "sim":
			for _, n := range cfg.units {
				r, err := compareSim(ctx, cfg, tmp, gojuju, jujuCLI, n)
				if err != nil {
					return err
				}
				rows = append(rows, r)
			}
			if cfg.waitTime > 0 && len(cfg.units) > 0 {
				r, err := waitSim(ctx, cfg, tmp, gojuju, slices.Max(cfg.units))
				if err != nil {
					return err
				}
				rows = append(rows, r)
			}
		case "real":
			if realDir == "" {
				continue
			}
			rr, err := compareReal(ctx, cfg, root, realDir, gojuju, jujuCLI)
			if err != nil {
				return err
			}
			rows = append(rows, rr...)
		default:
			return fmt.Errorf("unknown bed %q (want sim or real)", bed)
		}
	}
	printCompare(cfg.out, rows)
	if skipped != "" {
		fmt.Fprintf(cfg.out, "comparison with the real juju CLI skipped: %s\n", strings.TrimPrefix(skipped, "skipping: "))
	}
	return nil
}

// moduleRoot returns the directory holding go.mod above the working
// directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run benchtable -compare inside the module")
		}
		dir = parent
	}
}

// seedSpec spreads units over applications of 100 (app0=100,app1=100,...).
func seedSpec(units int) string {
	var parts []string
	for i := 0; units > 0; i++ {
		n := min(units, 100)
		parts = append(parts, fmt.Sprintf("app%d=%d", i, n))
		units -= n
	}
	return strings.Join(parts, ",")
}

// startSim runs `gojuju sim --seed` for units units in a JUJU_DATA of its
// own and returns that JUJU_DATA, how long the start and seeding took, and
// a function that stops it.
func startSim(ctx context.Context, cfg compareConfig, tmp, gojuju string, units int) (string, time.Duration, func(), error) {
	jd, err := os.MkdirTemp(tmp, "sim-")
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.CommandContext(ctx, gojuju, "sim", "--listen", "127.0.0.1:0", "--juju-data", jd,
		"--speed", "instant", "--controller", "sim", "--seed", seedSpec(units))
	cmd.Stderr = cfg.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", 0, nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", 0, nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Press Ctrl+C to stop.") {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return jd, time.Since(start), stop, nil
		}
	}
	stop()
	return "", 0, nil, fmt.Errorf("gojuju sim --seed %s exited before it was ready", seedSpec(units))
}

// compareSim measures both CLIs on a simulated model of units units.
func compareSim(ctx context.Context, cfg compareConfig, tmp, gojuju, jujuCLI string, units int) (result, error) {
	fmt.Fprintf(cfg.log, "sim: seeding %d units\n", units)
	jd, seed, stop, err := startSim(ctx, cfg, tmp, gojuju, units)
	if err != nil {
		return result{}, err
	}
	defer stop()
	r, err := measureBoth(ctx, cfg, jd, "sim:admin/default", gojuju, jujuCLI)
	r.bed, r.units, r.seed, r.what = "sim", units, seed, "status --format=json"
	return r, err
}

// waitSim runs `gojuju wait` on a simulated model of units units for
// cfg.waitTime, waiting for a workload status no unit has.
func waitSim(ctx context.Context, cfg compareConfig, tmp, gojuju string, units int) (result, error) {
	fmt.Fprintf(cfg.log, "sim: seeding %d units for a wait of %v\n", units, cfg.waitTime)
	jd, seed, stop, err := startSim(ctx, cfg, tmp, gojuju, units)
	if err != nil {
		return result{}, err
	}
	defer stop()
	var out bytes.Buffer
	m, err := run(ctx, []string{"JUJU_DATA=" + jd}, &out, gojuju, "wait", "-m", "sim:admin/default",
		"--status", "blocked", "--timeout", cfg.waitTime.String(), "--interval", "1s", "--idle-period", "0")
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 3) {
		return result{}, fmt.Errorf("gojuju wait: %w: %s", err, out.String())
	}
	return result{bed: "sim", what: fmt.Sprintf("wait (%v, 1s interval)", cfg.waitTime), units: units, seed: seed,
		gojuju: m}, nil
}

// compareReal seeds one application on the real server to each size of
// cfg.units in turn (adding units in batches) and measures both CLIs.
func compareReal(ctx context.Context, cfg compareConfig, root, dir, gojuju, jujuCLI string) ([]result, error) {
	fmt.Fprintln(cfg.log, "real: starting the Juju 4.0.15 API server")
	srv, err := realjuju.Start(ctx, dir, nil)
	if err != nil {
		if realjuju.IsUnavailable(err) {
			fmt.Fprintf(cfg.log, "real: %v\n", err)
			return nil, nil
		}
		return nil, err
	}
	defer func() { _ = srv.Stop() }()
	c, err := juju.Connect(ctx, juju.Config{JujuData: srv.JujuData, Controller: realjuju.ControllerName})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	m, err := c.AddModel(ctx, "bench", nil)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	model := realjuju.ControllerName + ":" + m.QualifiedName()
	var rows []result
	var app *juju.Application
	have := 0
	var seeded time.Duration
	for _, n := range slices.Sorted(slices.Values(cfg.units)) {
		start := time.Now()
		for have < n {
			batch := min(n-have, 500)
			if app == nil {
				app, err = m.Deploy(ctx, filepath.Join(root, "internal", "realjuju", "apisuite", "testdata", "charms", "suite-db"),
					&juju.DeployOptions{Name: "app", NumUnits: batch})
			} else {
				_, err = app.AddUnits(ctx, batch, nil)
			}
			if err != nil {
				return nil, fmt.Errorf("cannot seed the real server to %d units: %w", n, err)
			}
			have += batch
			fmt.Fprintf(cfg.log, "real: %d units (%v)\n", have, time.Since(start).Round(time.Millisecond))
		}
		seeded += time.Since(start)
		r, err := measureBoth(ctx, cfg, srv.JujuData, model, gojuju, jujuCLI)
		if err != nil {
			return nil, err
		}
		r.bed, r.units, r.seed, r.what = "real 4.0.15", n, seeded, "status --format=json"
		rows = append(rows, r)
	}
	return rows, nil
}

// measureBoth runs juju (if jujuCLI is set) and gojuju `status
// --format=json -m model` cfg.runs times each, alternately, and returns the
// medians and whether their outputs agree.
func measureBoth(ctx context.Context, cfg compareConfig, jujuData, model, gojuju, jujuCLI string) (result, error) {
	env := []string{"JUJU_DATA=" + jujuData}
	args := []string{"status", "--format=json", "-m", model}
	var js, gs []measurement
	var jout, gout bytes.Buffer
	for i := range cfg.runs {
		if jujuCLI != "" {
			jout.Reset()
			m, err := run(ctx, env, &jout, jujuCLI, args...)
			if err != nil {
				return result{}, fmt.Errorf("juju %s: %w: %s", strings.Join(args, " "), err, tail(jout.String()))
			}
			js = append(js, m)
		}
		gout.Reset()
		m, err := run(ctx, env, &gout, gojuju, args...)
		if err != nil {
			return result{}, fmt.Errorf("gojuju %s: %w: %s", strings.Join(args, " "), err, tail(gout.String()))
		}
		gs = append(gs, m)
		line := fmt.Sprintf("  run %d/%d: gojuju %s %s %s", i+1, cfg.runs, ms(m.cpu), mb(m.rss), ms(m.wall))
		if jujuCLI != "" {
			j := js[len(js)-1]
			line += fmt.Sprintf(", juju %s %s %s", ms(j.cpu), mb(j.rss), ms(j.wall))
		}
		fmt.Fprintln(cfg.log, line)
	}
	r := result{gojuju: median(gs)}
	if jujuCLI != "" {
		jm := median(js)
		r.juju = &jm
		r.same = sameOutput(jout.Bytes(), gout.Bytes())
	}
	return r, nil
}

// timesRE matches the controller timestamp, which differs between two
// calls a second apart, and the since times, some of which the real server
// sets to the time of the call (the model's, derived application
// statuses').
var timesRE = regexp.MustCompile(`"(timestamp|since)":"[^"]*"`)

// sameOutput says how two `status --format=json` outputs compare: equal
// bytes once the times are blanked, or where they first differ.
func sameOutput(a, b []byte) string {
	a = timesRE.ReplaceAll(a, []byte(`"$1":""`))
	b = timesRE.ReplaceAll(b, []byte(`"$1":""`))
	if bytes.Equal(a, b) {
		return "output identical (times blanked)"
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	return fmt.Sprintf("outputs differ at byte %d: juju %q, gojuju %q", i, a[from:min(len(a), i+40)], b[from:min(len(b), i+40)])
}

// run runs a child process with extra environment, its stdout to out (and
// its stderr to out too, for error messages), and returns what it cost.
func run(ctx context.Context, env []string, out io.Writer, name string, args ...string) (measurement, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		_, _ = out.Write(stderr.Bytes())
	}
	if cmd.ProcessState == nil {
		return measurement{}, err
	}
	m := measurement{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	m.rss = maxRSS(cmd.ProcessState)
	return m, err
}

// median returns the median of each figure separately.
func median(ms []measurement) measurement {
	pick := func(f func(measurement) int64) int64 {
		v := make([]int64, len(ms))
		for i, m := range ms {
			v[i] = f(m)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return measurement{
		cpu:  time.Duration(pick(func(m measurement) int64 { return int64(m.cpu) })),
		rss:  pick(func(m measurement) int64 { return m.rss }),
		wall: time.Duration(pick(func(m measurement) int64 { return int64(m.wall) })),
	}
}

// printCompare writes the comparison table.
func printCompare(w io.Writer, rows []result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BED\tUNITS\tSEEDING\tCOMMAND\tCLI\tCPU\tPEAK RSS\tWALL\t")
	for _, r := range rows {
		seed := r.seed.Round(10 * time.Millisecond).String()
		if r.juju != nil {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\tjuju\t%s\t%s\t%s\t\n", r.bed, r.units, seed, r.what,
				ms(r.juju.cpu), mb(r.juju.rss), ms(r.juju.wall))
			seed = ""
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\tgojuju\t%s\t%s\t%s\t\n", r.bed, r.units, seed, r.what,
			ms(r.gojuju.cpu), mb(r.gojuju.rss), ms(r.gojuju.wall))
		if r.juju != nil {
			fmt.Fprintf(tw, "%s\t%d\t\t%s\tratio\t%s\t%s\t%s\t%s\n", r.bed, r.units, r.what,
				ratio(r.gojuju.cpu, r.juju.cpu), ratio(time.Duration(r.gojuju.rss), time.Duration(r.juju.rss)),
				ratio(r.gojuju.wall, r.juju.wall), r.same)
		}
	}
	tw.Flush()
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 0, 64) + " ms" }
func mb(b int64) string         { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MB" }

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(a)/float64(b), 'f', 2, 64) + "×"
}

// tail returns the last lines of s for an error message.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 500 {
		s = "..." + s[len(s)-500:]
	}
	return s
}
