package clisuite_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/realjuju"
)

// step is one juju command of the table.
type step struct {
	// args follow "juju"; "{name}" is replaced by a variable (see vars).
	args []string
	// only restricts the step to some targets (0: all).
	only int
	// exit is the wanted exit status.
	exit int
	// out are substrings wanted in what the command prints (stdout and
	// stderr together); outBy adds some for one target.
	out   []string
	outBy map[int][]string
	// absent are substrings that must not be printed.
	absent []string
	// json: stdout must be one JSON document.
	json bool
	// capture sets variables from stdout: name -> regexp with one group.
	capture map[string]string
	// hangs marks the targets where the command never returns (it waits
	// for agents the real test bed does not run): it is killed after a
	// few seconds and what it printed until then is checked.
	hangs int
	// compare: juju 4.0 must print the same against the simulator as
	// against the real server, once normalised (see normalise).
	compare bool
}

// name is the step's name in test output: its command line.
func (s step) name() string { return strings.Join(s.args, " ") }

// Fixed variables; charms are set by TestCLI.
var baseVars = map[string]string{
	"model": "suite",
}

// substitute replaces "{name}" by vars[name].
func substitute(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// charmArchive packs apisuite's test charm name into dir/name.charm with
// juju.PackCharm.
func charmArchive(t *testing.T, dir, name string) string {
	t.Helper()
	out := filepath.Join(dir, name+".charm")
	if _, err := juju.PackCharm(filepath.Join("..", "apisuite", "testdata", "charms", name), out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Variable parts of the CLI's output, replaced before comparing.
var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "UUID"},
	{regexp.MustCompile(`\b[0-9a-v]{20}\b`), "SECRETID"},
	{regexp.MustCompile(`\b[0-9a-f]{64}\b`), "SHA256"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( ?\+0000 UTC|Z)?`), "TIME"},
	{regexp.MustCompile(`\b\d\d:\d\d:\d\dZ?\b`), "TIME"},
	{regexp.MustCompile(`\b(\d+\.){3}\d+(:\d+)?\b`), "ADDR"},
	// The real 4.0.15 server lists an expose's "anywhere" CIDRs in either
	// order (diff-bundle, show-application): make both lines the same.
	{regexp.MustCompile(`ADDR/0|::/0`), "ANYCIDR"},
	// ... so diff-bundle may report the two orders as a difference.
	{regexp.MustCompile(`(?m)^ +exposed_endpoints:\n +"":\n +bundle:\n +expose_to_cidrs:\n +- ANYCIDR\n +- ANYCIDR\n +model:\n +expose_to_cidrs:\n +- ANYCIDR\n +- ANYCIDR\n`), ""},
	{regexp.MustCompile(`\b(just now|\d+ (second|minute)s? ago)\b`), "RECENTLY"},
	{regexp.MustCompile(`(?m)^ERROR .*public cloud.*\n`), ""}, // the 4.0 CLI's first run without internet
	{regexp.MustCompile(`(controller|controller-name): (sim|realjuju)\b`), "$1: CONTROLLER"},
	{regexp.MustCompile(`"(sim|realjuju)"`), `"CONTROLLER"`},
	{regexp.MustCompile(`\b(sim|realjuju) {0,8}(?:\s)`), "CONTROLLER "},
}

func normalise(s string) string {
	for _, n := range normalisers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	return s
}

// outputs collects the normalised output of compared steps per target.
type outputs struct {
	mu sync.Mutex
	by map[int]map[string]string // target bit -> step name -> output
}

func (o *outputs) put(bit int, step, out string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.by[bit] == nil {
		o.by[bit] = map[string]string{}
	}
	o.by[bit][step] = out
}

// TestCLI runs the table on every target, then compares what juju 4.0
// printed against the simulator and against the real server.
func TestCLI(t *testing.T) {
	dir := realjuju.Dir(t)
	_ = dir
	charms := t.TempDir()
	vars := map[string]string{}
	for k, v := range baseVars {
		vars[k] = v
	}
	vars["db_charm"] = charmArchive(t, charms, "suite-db")
	vars["app_charm"] = charmArchive(t, charms, "suite-app")
	vars["logs_charm"] = charmArchive(t, charms, "suite-logs")
	vars["bundle"] = writeFile(t, charms, "bundle.yaml", cliBundle)
	vars["bundle_bad"] = writeFile(t, charms, "bad.yaml", strings.Replace(cliBundle, "web:db", "web:nosuch", 1))
	vars["ssh_key"], vars["ssh_fingerprint"], vars["ssh_md5"] = sshKey(t, "suite@clisuite")
	vars["tmp"] = t.TempDir()
	got := &outputs{by: map[int]map[string]string{}}
	t.Run("targets", func(t *testing.T) {
		for _, tg := range targets {
			t.Run(tg.name, func(t *testing.T) {
				t.Parallel()
				runTable(t, table, tg.bit, tg.target, vars, got)
			})
		}
	})
	compareOutputs(t, table, got)
}

// compareOutputs compares what juju 4.0 printed for the compared steps of
// tbl against the simulator and against the real server.
func compareOutputs(t *testing.T, tbl []step, got *outputs) {
	t.Helper()
	sim, real := got.by[sim40], got.by[real40]
	if sim == nil || real == nil {
		return // a target did not run
	}
	compared := 0
	for _, s := range tbl {
		if !s.compare {
			continue
		}
		a, okA := sim[s.name()]
		b, okB := real[s.name()]
		if !okA || !okB {
			t.Errorf("juju %s: marked for comparison but has no output from both juju 4.0 targets", s.name())
			continue
		}
		compared++
		if diff := cmp.Diff(b, a); diff != "" {
			t.Errorf("juju %s: the simulator's output differs from the real server's (-real +sim):\n%s", s.name(), diff)
		}
	}
	t.Logf("%d commands print the same on the simulator as on the real server", compared)
}

// runTable runs every step of tbl for one target, in order.
func runTable(t *testing.T, tbl []step, bit int, tg target, base map[string]string, got *outputs) {
	juju := realjuju.CLI(t, tg.cli)
	jujuData, controller := tg.start(t)
	vars := map[string]string{"controller": controller}
	for k, v := range base {
		vars[k] = v
	}
	passed := 0
	for _, s := range tbl {
		if s.only != 0 && s.only&bit == 0 {
			continue
		}
		args := make([]string, len(s.args))
		for i, a := range s.args {
			args[i] = substitute(a, vars)
		}
		timeout := 2 * time.Minute
		if s.hangs&bit != 0 {
			timeout = 3 * time.Second
		}
		r := runJuju(juju, jujuData, timeout, args...)
		out := r.stdout + r.stderr
		var bad []string
		switch {
		case s.hangs&bit != 0 && !r.killed:
			bad = append(bad, fmt.Sprintf("returned (exit %d) where it should wait for agents the test bed does not run: drop the hang mark", r.exit))
		case s.hangs&bit == 0 && r.killed:
			bad = append(bad, fmt.Sprintf("did not return within %s", timeout))
		case s.hangs&bit == 0 && r.exit != s.exit:
			bad = append(bad, fmt.Sprintf("exit status %d, want %d", r.exit, s.exit))
		}
		want := append([]string(nil), s.out...)
		want = append(want, s.outBy[bit]...)
		for _, w := range want {
			if w = substitute(w, vars); !strings.Contains(out, w) {
				bad = append(bad, fmt.Sprintf("prints no %q", w))
			}
		}
		for _, w := range s.absent {
			if w = substitute(w, vars); strings.Contains(out, w) {
				bad = append(bad, fmt.Sprintf("prints %q", w))
			}
		}
		if s.json && !json.Valid([]byte(r.stdout)) {
			bad = append(bad, "stdout is not JSON")
		}
		for name, expr := range s.capture {
			m := regexp.MustCompile(expr).FindStringSubmatch(r.stdout + r.stderr)
			if m == nil {
				bad = append(bad, fmt.Sprintf("prints nothing matching %s (for {%s})", expr, name))
				continue
			}
			vars[name] = m[1]
		}
		if s.compare && !r.killed {
			got.put(bit, s.name(), normalise(out))
		}
		if len(bad) > 0 {
			t.Errorf("juju %s:\n  %s\n--- stdout:\n%s--- stderr:\n%s", strings.Join(args, " "), strings.Join(bad, "\n  "), r.stdout, r.stderr)
			continue
		}
		passed++
		if testing.Verbose() {
			t.Logf("juju %s: ok\n%s", strings.Join(args, " "), out)
		}
	}
	t.Logf("%s: %d commands passed", tg.name, passed)
}

// sshKey makes an SSH public key: its authorized_keys line (with comment),
// its SHA256 fingerprint (Juju 4's name for it) and its MD5 one (3.6's).
func sshKey(t *testing.T, comment string) (line, fingerprint, md5 string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k))) + " " + comment, ssh.FingerprintSHA256(k), ssh.FingerprintLegacyMD5(k)
}

// cliBundle is the bundle the bundle steps deploy, next to the charm
// archives.
const cliBundle = `default-base: ubuntu@22.04
applications:
  db:
    charm: ./suite-db.charm
    num_units: 2
    to: ["0"]
    options:
      greeting: hola
    expose: true
  web:
    charm: ./suite-app.charm
    num_units: 1
machines:
  "0": {}
relations:
- [web:db, db:db]
`

// writeFile writes a file into dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
