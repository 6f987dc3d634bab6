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
// time, as medians over the runs, and gojuju's ratios to juju. Every
// command runs through the small measure helper (measure/main.go), so that
// the peak RSS is the command's own and not benchtable's. The models
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
	base     string // git revision of an older gojuju to measure too; "" for none
	tmp      string // set by runCompare: its temporary directory
	measure  string // set by runCompare: the measure helper's path
	out      io.Writer
	log      io.Writer
}

// measurement is what one child process cost.
type measurement struct {
	cpu  time.Duration // user + system
	rss  int64         // peak resident set, bytes
	wall time.Duration
}

// command is one CLI measured: "juju", "gojuju" or "gojuju@REV".
type command struct{ name, path string }

// figure is one CLI's medians in a row.
type figure struct {
	cli string
	m   measurement
}

// result is one row of the comparison: the median of each figure over the
// runs, for each CLI.
type result struct {
	bed, what string
	units     int
	seed      time.Duration
	figs      []figure // juju first when measured
	same      string   // how juju's and gojuju's outputs compare
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

	cfg.tmp, cfg.measure = tmp, filepath.Join(tmp, "measure")
	build = exec.CommandContext(ctx, "go", "build", "-o", cfg.measure, "./internal/cmd/benchtable/measure")
	build.Dir, build.Stdout, build.Stderr = root, cfg.log, cfg.log
	if err := build.Run(); err != nil {
		return fmt.Errorf("cannot build the measure helper: %w", err)
	}
	gojujus := []command{{"gojuju", gojuju}}
	if cfg.base != "" {
		c, err := buildBase(ctx, cfg, root, tmp)
		if err != nil {
			return err
		}
		gojujus = append(gojujus, c)
	}

	var skipped, realDir string
	var status []command // the CLIs whose status is compared, juju first
	if dir, err := realjuju.FindDir(); err != nil {
		skipped = err.Error()
	} else if p, err := realjuju.Path(ctx, dir, realjuju.CLI40); err != nil {
		skipped = err.Error()
	} else {
		realDir = dir
		status = append(status, command{"juju", p})
	}
	status = append(status, gojujus...)

	var rows []result
	for _, bed := range cfg.beds {
		switch bed {
		case "sim":
			for _, n := range cfg.units {
				r, err := compareSim(ctx, cfg, tmp, gojuju, status, n)
				if err != nil {
					return err
				}
				rows = append(rows, r)
			}
			if cfg.waitTime > 0 && len(cfg.units) > 0 {
				r, err := waitSim(ctx, cfg, tmp, gojuju, gojujus, slices.Max(cfg.units))
				if err != nil {
					return err
				}
				rows = append(rows, r)
			}
		case "real":
			if realDir == "" {
				continue
			}
			rr, err := compareReal(ctx, cfg, root, realDir, status)
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

// buildBase builds cmd/gojuju as of cfg.base (from `git archive`, so that
// the working tree is left alone).
func buildBase(ctx context.Context, cfg compareConfig, root, tmp string) (command, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", cfg.base).Output()
	if err != nil {
		return command{}, fmt.Errorf("cannot find revision %q: %w", cfg.base, err)
	}
	rev := strings.TrimSpace(string(out))
	src := filepath.Join(tmp, "base-"+rev)
	if err := os.MkdirAll(src, 0o755); err != nil {
		return command{}, err
	}
	fmt.Fprintf(cfg.log, "building cmd/gojuju at %s\n", rev)
	extract := exec.CommandContext(ctx, "sh", "-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "sh", root, rev, src)
	extract.Stderr = cfg.log
	if err := extract.Run(); err != nil {
		return command{}, fmt.Errorf("cannot extract %s: %w", rev, err)
	}
	bin := filepath.Join(tmp, "gojuju-"+rev)
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/gojuju")
	build.Dir, build.Stdout, build.Stderr = src, cfg.log, cfg.log
	if err := build.Run(); err != nil {
		return command{}, fmt.Errorf("cannot build gojuju at %s: %w", rev, err)
	}
	return command{"gojuju@" + rev, bin}, nil
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

// compareSim measures the CLIs on a simulated model of units units.
func compareSim(ctx context.Context, cfg compareConfig, tmp, gojuju string, clis []command, units int) (result, error) {
	fmt.Fprintf(cfg.log, "sim: seeding %d units\n", units)
	jd, seed, stop, err := startSim(ctx, cfg, tmp, gojuju, units)
	if err != nil {
		return result{}, err
	}
	defer stop()
	r, err := measureAll(ctx, cfg, jd, "sim:admin/default", clis)
	r.bed, r.units, r.seed, r.what = "sim", units, seed, "status --format=json"
	return r, err
}

// waitSim runs `gojuju wait` (each of gojujus, alternately) on a
// simulated model of units units for cfg.waitTime, waiting for a workload
// status no unit has.
func waitSim(ctx context.Context, cfg compareConfig, tmp, gojuju string, gojujus []command, units int) (result, error) {
	fmt.Fprintf(cfg.log, "sim: seeding %d units for a wait of %v\n", units, cfg.waitTime)
	jd, seed, stop, err := startSim(ctx, cfg, tmp, gojuju, units)
	if err != nil {
		return result{}, err
	}
	defer stop()
	r := result{bed: "sim", what: fmt.Sprintf("wait (%v, 1s interval)", cfg.waitTime), units: units, seed: seed}
	for i, c := range gojujus {
		m, err := run(ctx, cfg, []string{"JUJU_DATA=" + jd}, filepath.Join(cfg.tmp, fmt.Sprintf("wait-%d.out", i)), c.path,
			"wait", "-m", "sim:admin/default", "--status", "blocked", "--timeout", cfg.waitTime.String(),
			"--interval", "1s", "--idle-period", "0")
		var es *exitStatus
		if err != nil && !(errors.As(err, &es) && es.code == 3) {
			return result{}, fmt.Errorf("%s wait: %w", c.name, err)
		}
		fmt.Fprintf(cfg.log, "  %s wait: %s %s\n", c.name, msString(m.cpu), mb(m.rss))
		r.figs = append(r.figs, figure{c.name, m})
	}
	return r, nil
}

// compareReal seeds one application on the real server to each size of
// cfg.units in turn (adding units in batches) and measures both CLIs.
func compareReal(ctx context.Context, cfg compareConfig, root, dir string, clis []command) ([]result, error) {
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
		r, err := measureAll(ctx, cfg, srv.JujuData, model, clis)
		if err != nil {
			return nil, err
		}
		r.bed, r.units, r.seed, r.what = "real 4.0.15", n, seeded, "status --format=json"
		rows = append(rows, r)
	}
	return rows, nil
}

// measureAll runs `status --format=json -m model` with each CLI in turn,
// cfg.runs times, and returns the medians and whether juju's and gojuju's
// outputs agree.
func measureAll(ctx context.Context, cfg compareConfig, jujuData, model string, clis []command) (result, error) {
	env := []string{"JUJU_DATA=" + jujuData}
	args := []string{"status", "--format=json", "-m", model}
	ms := make([][]measurement, len(clis))
	outs := make([]string, len(clis))
	for j := range clis {
		outs[j] = filepath.Join(cfg.tmp, fmt.Sprintf("status-%d.json", j))
	}
	for i := range cfg.runs {
		line := fmt.Sprintf("  run %d/%d:", i+1, cfg.runs)
		for j, c := range clis {
			m, err := run(ctx, cfg, env, outs[j], c.path, args...)
			if err != nil {
				return result{}, fmt.Errorf("%s %s: %w", c.name, strings.Join(args, " "), err)
			}
			ms[j] = append(ms[j], m)
			line += fmt.Sprintf(" %s %s %s %s;", c.name, msString(m.cpu), mb(m.rss), msString(m.wall))
		}
		fmt.Fprintln(cfg.log, line)
	}
	var r result
	for j, c := range clis {
		r.figs = append(r.figs, figure{c.name, median(ms[j])})
	}
	if len(clis) > 1 && clis[0].name == "juju" {
		a, err := os.ReadFile(outs[0])
		if err != nil {
			return result{}, err
		}
		b, err := os.ReadFile(outs[1])
		if err != nil {
			return result{}, err
		}
		r.same = sameOutput(a, b)
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

// exitStatus is the error of a measured command that exited non-zero.
type exitStatus struct {
	code   int
	stderr string
}

func (e *exitStatus) Error() string { return fmt.Sprintf("exit status %d: %s", e.code, tail(e.stderr)) }

// run runs a command through the measure helper (see measure/main.go),
// with extra environment, its stdout to the file out (its stderr to
// out.err), and returns what it cost; a non-zero exit is an *exitStatus.
func run(ctx context.Context, cfg compareConfig, env []string, out, name string, args ...string) (measurement, error) {
	cmd := exec.CommandContext(ctx, cfg.measure, append([]string{out, name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = cfg.log
	line, err := cmd.Output()
	if err != nil {
		return measurement{}, fmt.Errorf("cannot measure %s: %w", name, err)
	}
	var cpu, rss, wall int64
	var code int
	if _, err := fmt.Sscan(string(line), &cpu, &rss, &wall, &code); err != nil {
		return measurement{}, fmt.Errorf("cannot measure %s: measure printed %q", name, line)
	}
	m := measurement{cpu: time.Duration(cpu), rss: rss, wall: time.Duration(wall)}
	if code != 0 {
		stderr, _ := os.ReadFile(out + ".err")
		return m, &exitStatus{code: code, stderr: string(stderr)}
	}
	return m, nil
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

// printCompare writes the comparison table: a line per CLI, then the
// ratios of each gojuju to juju, and of the gojuju built here to the
// older one (-base).
func printCompare(w io.Writer, rows []result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BED\tUNITS\tSEEDING\tCOMMAND\tCLI\tCPU\tPEAK RSS\tWALL\t")
	for _, r := range rows {
		seed := r.seed.Round(10 * time.Millisecond).String()
		for _, f := range r.figs {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.bed, r.units, seed, r.what,
				f.cli, msString(f.m.cpu), mb(f.m.rss), msString(f.m.wall))
			seed = ""
		}
		ratios := func(a, b figure, note string) {
			fmt.Fprintf(tw, "%s\t%d\t\t%s\t%s/%s\t%s\t%s\t%s\t%s\n", r.bed, r.units, r.what, a.cli, b.cli,
				ratio(a.m.cpu, b.m.cpu), ratio(time.Duration(a.m.rss), time.Duration(b.m.rss)),
				ratio(a.m.wall, b.m.wall), note)
		}
		if len(r.figs) > 1 && r.figs[0].cli == "juju" {
			for i, f := range r.figs[1:] {
				note := ""
				if i == 0 {
					note = r.same
				}
				ratios(f, r.figs[0], note)
			}
		}
		if n := len(r.figs); n > 1 && strings.HasPrefix(r.figs[n-1].cli, "gojuju@") {
			ratios(r.figs[n-2], r.figs[n-1], "")
		}
	}
	tw.Flush()
}

func msString(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/1e6, 'f', 0, 64) + " ms"
}
func mb(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MB" }

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
