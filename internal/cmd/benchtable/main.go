// Command benchtable runs the project's Go benchmarks and prints them as one
// table: package, benchmark, time per operation, custom metrics (such as
// ns/unit or calls/s), bytes and allocations per operation.
//
//	go run ./internal/cmd/benchtable                 # every package
//	go run ./internal/cmd/benchtable -bench FullStatus ./jujusim/...
//
// It shells out to `go test -run ^$ -bench ... -benchmem` and parses the
// standard benchmark output format.
//
// With -compare it instead runs gojuju and the real juju CLI as whole
// processes on the same models and prints their CPU, peak memory and wall
// time side by side, with the ratios (see compare.go):
//
//	go run ./internal/cmd/benchtable -compare                      # 1,000 and 10,000 units, sim and real server
//	go run ./internal/cmd/benchtable -compare -units 1000 -beds sim -runs 9
//	go run ./internal/cmd/benchtable -compare -base main~3     # also gojuju as of main~3, interleaved
//
// The real juju CLI and API server come from ../shared/realjuju next to the
// module root; without it the gojuju figures are printed alone, with one
// line saying why the comparison is skipped. Nothing here runs under go
// test: the comparison takes minutes.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	bench := flag.String("bench", ".", "benchmark name pattern (as go test -bench)")
	benchtime := flag.String("benchtime", "1s", "time or count per benchmark (as go test -benchtime)")
	count := flag.Int("count", 1, "number of runs of each benchmark")
	compare := flag.Bool("compare", false, "compare gojuju with the real juju CLI as whole processes (status --format=json; a long wait)")
	units := flag.String("units", "1000,10000", "with -compare: model sizes in units, comma-separated")
	beds := flag.String("beds", "sim,real", "with -compare: sim (gojuju sim --seed) and/or real (the real 4.0.15 API server)")
	runs := flag.Int("runs", 5, "with -compare: runs of each CLI per model (medians are printed)")
	base := flag.String("base", "", "with -compare: also measure gojuju as of this git revision (old vs new, interleaved)")
	waitTime := flag.Duration("wait-time", 20*time.Second, "with -compare: how long gojuju wait polls the largest simulated model (0: no wait)")
	flag.Parse()
	if *compare {
		cfg := compareConfig{runs: *runs, waitTime: *waitTime, base: *base, out: os.Stdout, log: os.Stderr}
		for _, u := range strings.Split(*units, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(u))
			if err != nil || n <= 0 {
				fmt.Fprintf(os.Stderr, "benchtable: bad -units %q\n", *units)
				os.Exit(2)
			}
			cfg.units = append(cfg.units, n)
		}
		for _, b := range strings.Split(*beds, ",") {
			cfg.beds = append(cfg.beds, strings.TrimSpace(b))
		}
		if cfg.runs <= 0 {
			fmt.Fprintln(os.Stderr, "benchtable: -runs must be positive")
			os.Exit(2)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		err := runCompare(ctx, cfg)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
		return
	}
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	args := append([]string{"test", "-run", "^$", "-bench", *bench, "-benchmem",
		"-benchtime", *benchtime, "-count", fmt.Sprint(*count)}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	rows := parse(out, os.Stderr)
	waitErr := cmd.Wait()
	print(os.Stdout, rows)
	if waitErr != nil {
		fmt.Fprintln(os.Stderr, "benchtable: go test:", waitErr)
		os.Exit(1)
	}
}

// row is one benchmark result line.
type row struct {
	pkg, name string
	iters     string
	metrics   [][2]string // value, unit, in output order
}

// parse reads go test's benchmark output, echoing non-benchmark lines that
// report failures to echo, and returns the result rows.
func parse(r io.Reader, echo io.Writer) []row {
	var rows []row
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "Benchmark"):
			f := strings.Fields(line)
			if len(f) < 4 || len(f)%2 != 0 || !isCount(f[1]) {
				continue // a benchmark's own log line
			}
			rw := row{pkg: pkg, name: strings.TrimPrefix(f[0], "Benchmark"), iters: f[1]}
			for i := 2; i+1 < len(f); i += 2 {
				rw.metrics = append(rw.metrics, [2]string{f[i], f[i+1]})
			}
			rows = append(rows, rw)
		case strings.HasPrefix(line, "--- FAIL"), strings.HasPrefix(line, "FAIL"), strings.HasPrefix(line, "panic"):
			fmt.Fprintln(echo, line)
		}
	}
	return rows
}

// isCount reports whether s is an iteration count.
func isCount(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// print writes rows as an aligned table.
func print(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tBENCHMARK\tRUNS\tTIME/OP\tOTHER\tB/OP\tALLOCS/OP")
	for _, r := range rows {
		var t, b, a string
		var other []string
		for _, m := range r.metrics {
			switch m[1] {
			case "ns/op":
				t = formatNs(m[0])
			case "B/op":
				b = m[0]
			case "allocs/op":
				a = m[0]
			default:
				other = append(other, m[0]+" "+m[1])
			}
		}
		pkg := strings.TrimPrefix(r.pkg, "github.com/gojuju/juju")
		if pkg == "" {
			pkg = "juju"
		} else {
			pkg = strings.TrimPrefix(pkg, "/")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pkg, r.name, r.iters, t, strings.Join(other, ", "), b, a)
	}
	tw.Flush()
}

// formatNs renders a ns/op figure with a readable unit.
func formatNs(s string) string {
	var ns float64
	if _, err := fmt.Sscan(s, &ns); err != nil {
		return s + " ns"
	}
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	default:
		return fmt.Sprintf("%.0f ns", ns)
	}
}
