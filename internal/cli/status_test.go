package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	juju "github.com/gojuju/juju"
	"github.com/gojuju/juju/internal/testshared"
	"github.com/gojuju/juju/jujudata"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// recordedFlow returns the FullStatus response and the CLI's stdout that
// the real juju 4.0.15 CLI printed for a conformance flow.
func recordedFlow(t *testing.T, flow string) (*status.Status, string) {
	t.Helper()
	stdout := testshared.CLIStdout(t, flow)
	s, err := status.ParseFullStatus(testshared.Response(t, flow, "FullStatus"))
	if err != nil {
		t.Fatal(err)
	}
	return s, stdout
}

// TestStatusJSONMatchesRealCLI formats the FullStatus the real controller
// sent and compares it with what the real "juju status --format=json"
// printed for it.
func TestStatusJSONMatchesRealCLI(t *testing.T) {
	s, stdout := recordedFlow(t, "status-json")
	data, err := json.Marshal(statusDocument(s, "realjuju"))
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(stdout), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("gojuju status --format=json differs from the real CLI's (-real +gojuju):\n%s", diff)
	}
}

// TestStatusTabularMatchesRealCLI does the same for the tabular output of
// "juju status --relations".
func TestStatusTabularMatchesRealCLI(t *testing.T) {
	s, stdout := recordedFlow(t, "status-m1")
	var b bytes.Buffer
	if err := s.WriteTable(&b, &status.TableOptions{Controller: "realjuju", Relations: true}); err != nil {
		t.Fatal(err)
	}
	trim := func(text string) []string {
		lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
		}
		return lines
	}
	if diff := cmp.Diff(trim(stdout), trim(b.String())); diff != "" {
		t.Errorf("gojuju status differs from the real CLI's (-real +gojuju):\n%s", diff)
	}
}

func TestStatusYAMLKeys(t *testing.T) {
	s, stdout := recordedFlow(t, "status-json")
	data, err := marshalYAML(statusDocument(s, "realjuju"))
	if err != nil {
		t.Fatal(err)
	}
	// juju's layout: two spaces per level, list items not indented
	// under their key.
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^model:\n  name: `),
		regexp.MustCompile(`(?m)^      db:\n      - related-application: `),
	} {
		if !re.Match(data) {
			t.Errorf("YAML layout lacks %q:\n%s", re, data)
		}
	}
	var got, want any
	if err := yaml.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(stdout), &want); err != nil { // JSON is YAML
		t.Fatal(err)
	}
	// juju's YAML leaves out an empty modification-status, which its JSON
	// prints as {} (clisuite's TestGojujuStatusMatchesRealCLI compares
	// the YAML the real CLI prints).
	for _, m := range want.(map[string]any)["machines"].(map[string]any) {
		if ms := m.(map[string]any); len(ms["modification-status"].(map[string]any)) == 0 {
			delete(ms, "modification-status")
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("YAML document differs (-real +gojuju):\n%s", diff)
	}
}

func TestStatusUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"status", "--format", "xml"},
		{"status", "--watch", "-1s"},
		{"status", "--bogus"},
		{"wait", "extra"},
		{"wait", "--timeout", "0s"},
		{"wait", "--interval", "-1s"},
		{"wait", "--units", "-1"},
		{"wait", "--idle-period", "-5s"},
		{"wait", "--error-grace", "-5s"},
	} {
		var out, errOut bytes.Buffer
		err := Run(context.Background(), args, nil, &out, &errOut)
		if !errors.Is(err, ErrUsage) || ExitCode(err) != 2 {
			t.Errorf("Run(%q) = %v (exit %d), want a usage error", args, err, ExitCode(err))
		}
	}
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"wait", "-h"}, nil, &out, &errOut); err != nil || !strings.Contains(errOut.String(), "Exit status: 0 settled") {
		t.Errorf("wait -h = %v, %q", err, errOut.String())
	}
}

// cliSim is a simulator on a fake clock, registered in a temporary
// JUJU_DATA that the commands under test use.
type cliSim struct {
	srv  *jujusim.Server
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func startCLISim(t *testing.T, version string, apps map[string]int, behaviours map[string]jujusim.Behaviour) *cliSim {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	srv, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: version, Clock: jujusim.NewFakeClock(time.Time{})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for app, b := range behaviours {
		srv.SetBehaviour(srv.DefaultModelUUID(), app, b)
	}
	if len(apps) > 0 {
		if err := srv.Seed(srv.DefaultModelUUID(), apps); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	store, err := jujudata.New(jujudata.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := register(ctx, store, "testsim", srv); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUJU_DATA", dir)
	t.Setenv("JUJU_CONTROLLER", "")
	t.Setenv("JUJU_MODEL", "")
	cs := &cliSim{srv: srv}
	return cs
}

// drive advances the fake clock by a second every millisecond until
// stopped.
func (cs *cliSim) drive(t *testing.T) {
	cs.stop, cs.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(cs.done)
		for {
			select {
			case <-cs.stop:
				return
			case <-time.After(time.Millisecond):
			}
			_ = cs.srv.Advance(time.Second)
		}
	}()
	t.Cleanup(cs.halt)
}

func (cs *cliSim) halt() {
	if cs.stop == nil {
		return
	}
	cs.once.Do(func() { close(cs.stop) })
	<-cs.done
}

var sinceRE = regexp.MustCompile(`^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\dZ$`)

func TestStatusCommandAgainstSim(t *testing.T) {
	for _, version := range []string{jujusim.Juju40, jujusim.Juju36} {
		t.Run(version, func(t *testing.T) {
			cs := startCLISim(t, version, map[string]int{"mysql": 1, "wordpress": 2}, nil)
			cs.drive(t)
			ctx := context.Background()
			var out, errOut bytes.Buffer
			if err := Run(ctx, []string{"wait", "--interval", "5ms", "--status", "active"}, nil, &out, &errOut); err != nil {
				t.Fatalf("wait: %v\n%s%s", err, out.String(), errOut.String())
			}
			cs.halt()
			if !strings.Contains(out.String(), `Model "admin/default" settled (3 units)`) {
				t.Errorf("wait output:\n%s", out.String())
			}

			out.Reset()
			if err := Run(ctx, []string{"status", "--format=json"}, nil, &out, &errOut); err != nil {
				t.Fatalf("status: %v\n%s", err, errOut.String())
			}
			var doc map[string]any
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("status JSON: %v\n%s", err, out.String())
			}
			model := doc["model"].(map[string]any)
			if model["name"] != "default" || model["controller"] != "testsim" || model["version"] != version {
				t.Errorf("model = %v", model)
			}
			apps := doc["applications"].(map[string]any)
			wp := apps["wordpress"].(map[string]any)
			units := wp["units"].(map[string]any)
			if len(units) != 2 || wp["charm-origin"] != "charmhub" || wp["charm-name"] != "wordpress" {
				t.Errorf("wordpress = %v", wp)
			}
			u0 := units["wordpress/0"].(map[string]any)
			ws := u0["workload-status"].(map[string]any)
			if ws["current"] != "active" || !sinceRE.MatchString(ws["since"].(string)) {
				t.Errorf("wordpress/0 workload-status = %v", ws)
			}
			if _, ok := doc["controller"].(map[string]any)["timestamp"]; !ok {
				t.Error("no controller timestamp")
			}

			// Patterns restrict the output; YAML has the same keys.
			out.Reset()
			if err := Run(ctx, []string{"status", "mysql", "--format", "yaml"}, nil, &out, &errOut); err != nil {
				t.Fatalf("status mysql: %v", err)
			}
			var ydoc map[string]any
			if err := yaml.Unmarshal(out.Bytes(), &ydoc); err != nil {
				t.Fatal(err)
			}
			if yapps := ydoc["applications"].(map[string]any); len(yapps) != 1 || yapps["mysql"] == nil {
				t.Errorf("status mysql applications = %v", yapps)
			}

			// Patterns that match nothing are an error naming them (exit 1).
			for _, format := range []string{"tabular", "json"} {
				out.Reset()
				err := Run(ctx, []string{"status", "--format", format, "nosuchapp", "nosuch/0"}, nil, &out, &errOut)
				if !errors.Is(err, ErrNoMatch) || ExitCode(err) != 1 || !strings.Contains(err.Error(), "nosuchapp nosuch/0") {
					t.Errorf("status nosuchapp --format %s = %v (exit %d), want ErrNoMatch naming the patterns, exit 1", format, err, ExitCode(err))
				}
				if out.Len() != 0 {
					t.Errorf("status nosuchapp --format %s wrote %q", format, out.String())
				}
			}

			out.Reset()
			if err := Run(ctx, []string{"status", "-m", "admin/default"}, nil, &out, &errOut); err != nil {
				t.Fatalf("status tabular: %v", err)
			}
			text := out.String()
			// Juju 3.6's CLI shows the model's SLA ("unsupported").
			sla, slaValue := "", ""
			if version == jujusim.Juju36 {
				sla, slaValue = ` +SLA`, ` +unsupported`
			}
			for _, want := range []*regexp.Regexp{
				regexp.MustCompile(`(?m)^Model +Controller +Cloud/Region +Version` + sla + ` +Timestamp$`),
				regexp.MustCompile(`(?m)^default +testsim +dummy/dummy-region +` + regexp.QuoteMeta(version) + slaValue + ` +\d\d:\d\d:\d\dZ$`),
				regexp.MustCompile(`(?m)^App +Version +Status +Scale +Charm +Channel +Rev +Exposed +Message$`),
				regexp.MustCompile(`(?m)^wordpress +active +2 +wordpress `),
				regexp.MustCompile(`(?m)^wordpress/\d\* +active +idle +\d+ `),
				regexp.MustCompile(`(?m)^Machine +State +Address +Inst id +Base +AZ +Message$`),
			} {
				if !want.MatchString(text) {
					t.Errorf("tabular status lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func TestStatusWatch(t *testing.T) {
	startCLISim(t, jujusim.Juju40, map[string]int{"pg": 1}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	w := &countingWriter{target: 2, cancel: cancel}
	var errOut bytes.Buffer
	if err := Run(ctx, []string{"status", "--watch", "1ms"}, nil, w, &errOut); err != nil {
		t.Fatalf("status --watch: %v", err)
	}
	if n := strings.Count(w.String(), "Model    Controller"); n < 2 {
		t.Errorf("status --watch printed %d times", n)
	}
}

// countingWriter cancels once it has seen target status headers.
type countingWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	target int
	cancel func()
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Count(w.buf.String(), "Model    Controller") >= w.target {
		w.cancel()
	}
	return n, err
}

func (w *countingWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestWaitExitCodes(t *testing.T) {
	t.Run("blocked", func(t *testing.T) {
		cs := startCLISim(t, jujusim.Juju40, map[string]int{"b": 1}, map[string]jujusim.Behaviour{"b": {Status: "blocked", Message: "needs db"}})
		cs.drive(t)
		var out, errOut bytes.Buffer
		err := Run(context.Background(), []string{"wait", "--interval", "5ms", "--raise-on-blocked"}, nil, &out, &errOut)
		if code := exitCodeOf(err); code != exitStatusError {
			t.Fatalf("wait on a blocked unit = %v (exit %d), want exit %d", err, code, exitStatusError)
		}
		if !strings.Contains(out.String(), "b/0: workload blocked") {
			t.Errorf("output does not say what was blocked:\n%s", out.String())
		}
	})
	t.Run("error", func(t *testing.T) {
		cs := startCLISim(t, jujusim.Juju36, map[string]int{"h": 1}, map[string]jujusim.Behaviour{"h": {FailHook: "start"}})
		cs.drive(t)
		var out, errOut bytes.Buffer
		err := Run(context.Background(), []string{"wait", "--interval", "5ms"}, nil, &out, &errOut)
		if code := exitCodeOf(err); code != exitStatusError || !errors.Is(err, status.ErrError) {
			t.Fatalf("wait on a hook error = %v (exit %d), want exit %d", err, code, exitStatusError)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		startCLISim(t, jujusim.Juju40, map[string]int{"pg": 1}, nil) // the clock never moves
		var out, errOut bytes.Buffer
		// The timeout leaves room for the dial and the first status on a
		// loaded machine (100ms did not, under -race with other tests):
		// the model never settles, so the wait always ends by timing out.
		err := Run(context.Background(), []string{"wait", "--interval", "5ms", "--timeout", "2s"}, nil, &out, &errOut)
		if code := exitCodeOf(err); code != exitTimeout {
			t.Fatalf("wait = %v (exit %d), want exit %d", err, code, exitTimeout)
		}
		if !strings.Contains(out.String(), "busy: pg/0: ") {
			t.Errorf("plain progress lacks the busy units:\n%s", out.String())
		}
	})
	t.Run("connection", func(t *testing.T) {
		cs := startCLISim(t, jujusim.Juju40, nil, nil)
		cs.srv.Close() // registered, but gone
		var out, errOut bytes.Buffer
		err := Run(context.Background(), []string{"wait", "--interval", "5ms", "--timeout", "300ms"}, nil, &out, &errOut)
		if code := exitCodeOf(err); code != exitConnection {
			t.Fatalf("wait = %v (exit %d), want exit %d", err, code, exitConnection)
		}
		if !strings.Contains(errOut.String(), "retrying for up to") {
			t.Errorf("stderr does not say it retries:\n%s", errOut.String())
		}
	})
	t.Run("controller comes back", func(t *testing.T) {
		cs := startCLISim(t, jujusim.Juju40, map[string]int{"pg": 1}, nil)
		// Point the registered controller at an address nothing listens
		// on yet; a forwarder to the simulator opens there once wait has
		// started retrying.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		store, err := jujudata.New(jujudata.Config{})
		if err != nil {
			t.Fatal(err)
		}
		details, err := store.Controller("testsim")
		if err != nil {
			t.Fatal(err)
		}
		details.APIEndpoints = []string{addr}
		if err := store.UpdateController(context.Background(), "testsim", *details); err != nil {
			t.Fatal(err)
		}
		cs.drive(t)
		errOut := &syncBuffer{}
		done := make(chan error, 1)
		var out bytes.Buffer
		go func() {
			done <- Run(context.Background(), []string{"wait", "--interval", "5ms", "--timeout", "1m"}, nil, &out, errOut)
		}()
		for !strings.Contains(errOut.String(), "retrying") {
			select {
			case err := <-done:
				t.Fatalf("wait returned before retrying: %v\n%s", err, errOut.String())
			case <-time.After(5 * time.Millisecond):
			}
		}
		startForwarder(t, addr, cs.srv.Addr())
		if err := <-done; err != nil {
			t.Fatalf("wait = %v (exit %d), want success once the controller is back\n%s", err, exitCodeOf(err), errOut.String())
		}
	})
	t.Run("model not found", func(t *testing.T) {
		startCLISim(t, jujusim.Juju40, nil, nil)
		var out, errOut bytes.Buffer
		err := Run(context.Background(), []string{"wait", "-m", "nosuch", "--timeout", "1m"}, nil, &out, &errOut)
		if code := exitCodeOf(err); code != 1 || !errors.Is(err, juju.ErrNotFound) {
			t.Fatalf("wait -m nosuch = %v (exit %d), want ErrNotFound, exit 1", err, code)
		}
		if !strings.Contains(waitUsage, "1 any other error (e.g. the model") {
			t.Error("wait's help does not document exit status 1")
		}
	})
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startForwarder listens on addr and forwards every connection to target
// until the test ends.
func startForwarder(t *testing.T, addr, target string) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			track(c)
			track(d)
			wg.Add(2)
			go func() { defer wg.Done(); _, _ = io.Copy(d, c); d.Close() }()
			go func() { defer wg.Done(); _, _ = io.Copy(c, d); c.Close() }()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// exitCodeOf is the exit status Run's error asks for.
func exitCodeOf(err error) int {
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return ExitCode(err)
}

func TestWaitViewPlain(t *testing.T) {
	s, _ := recordedFlow(t, "status-json")
	var b bytes.Buffer
	v := newWaitView(&b, false, "prod/m1")
	v.progress(status.WaitProgress{Status: s, Busy: []string{"rj-provider/0: agent allocating"}})
	v.progress(status.WaitProgress{Status: s, Busy: []string{"rj-provider/0: agent allocating"}})
	v.progress(status.WaitProgress{Status: s, Changes: []status.Change{{Kind: "unit", Name: "rj-provider/0", Old: "a", New: "b"}}})
	want := []string{
		`23:02:44 waiting for model "prod/m1": 2 applications, 3 units`,
		`23:02:44 busy: rj-provider/0: agent allocating`,
		`23:02:44 rj-provider/0: a -> b`,
		`23:02:44 nothing busy`,
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(b.String()), "\n")); diff != "" {
		t.Errorf("plain view (-want +got):\n%s", diff)
	}

	b.Reset()
	tv := newWaitView(&b, true, "prod/m1")
	tv.progress(status.WaitProgress{Status: s, Busy: []string{"rj-provider/0: agent allocating"}})
	out := b.String()
	if !strings.HasPrefix(out, clearScreen) || !strings.Contains(out, "  rj-provider/1  waiting   allocating") || !strings.Contains(out, "Still busy (1):") {
		t.Errorf("terminal view:\n%s", out)
	}
}
