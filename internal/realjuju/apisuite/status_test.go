package apisuite_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/status"
)

// Status with and without patterns, and its table.
func TestStatusPatterns(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		for _, name := range []string{"db", "web"} {
			charm := "suite-db"
			if name == "web" {
				charm = "suite-app"
			}
			if _, err := m.Deploy(ctx, charmDir(t, charm), &juju.DeployOptions{Name: name}); err != nil {
				t.Fatalf("Deploy %s: %v", name, err)
			}
		}
		if _, err := m.Integrate(ctx, "web", "db", nil); err != nil {
			t.Fatalf("Integrate: %v", err)
		}
		st, err := m.Status(ctx, nil)
		if err != nil {
			t.Fatalf("Status: %v", err)
		}
		if got := keys(st.Applications); !slices.Equal(got, []string{"db", "web"}) {
			t.Errorf("applications = %v", got)
		}
		if st.Model.Name != m.Name() || st.ControllerTimestamp.IsZero() {
			t.Errorf("model = %+v, timestamp %v", st.Model, st.ControllerTimestamp)
		}
		if len(st.Relations) != 2 { // db's peer relation and web:db
			t.Errorf("relations = %d", len(st.Relations))
		}

		for _, tc := range []struct {
			patterns []string
			apps     []string
		}{
			{[]string{"db"}, []string{"db"}},
			{[]string{"web/0"}, []string{"web"}},
			{[]string{"db", "web"}, []string{"db", "web"}},
			{[]string{"nothing-matches"}, nil},
		} {
			st, err := m.Status(ctx, &status.Options{Patterns: tc.patterns})
			if err != nil {
				t.Errorf("Status(%v): %v", tc.patterns, err)
				continue
			}
			if got := keys(st.Applications); !slices.Equal(got, tc.apps) {
				t.Errorf("Status(%v) applications = %v, want %v", tc.patterns, got, tc.apps)
			}
		}

		var table strings.Builder
		if err := st.WriteTable(&table, &status.TableOptions{Relations: true}); err != nil {
			t.Fatalf("WriteTable: %v", err)
		}
		for _, want := range []string{"db/0", "web/0", "suite-db", "db:db", "web:db"} {
			if !strings.Contains(table.String(), want) {
				t.Errorf("table lacks %q:\n%s", want, table.String())
			}
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// WaitForIdle settles where agents run; where none run it ends in a
// timeout that names what is still busy.
func TestWaitForIdle(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db", NumUnits: 2}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		opts := &status.WaitForIdleOptions{Apps: []string{"db"}, IdlePeriod: 100 * time.Millisecond, Timeout: 3 * time.Second, Interval: 100 * time.Millisecond}
		st, err := m.WaitForIdle(ctx, opts)
		if b.Agents {
			if err != nil {
				t.Fatalf("WaitForIdle: %v", err)
			}
			if n := len(st.Applications["db"].Units); n != 2 {
				t.Errorf("settled with %d units", n)
			}
			return
		}
		var we *status.WaitError
		if !errors.As(err, &we) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WaitForIdle without agents = %v, want a WaitError with DeadlineExceeded", err)
		}
		if !slices.Contains(we.Busy, "db/0") && !slices.ContainsFunc(we.Busy, func(s string) bool { return strings.Contains(s, "db/0") }) {
			t.Errorf("busy = %v, want db/0 named", we.Busy)
		}
		if we.Last == nil || len(we.Last.Applications["db"].Units) != 2 {
			t.Errorf("last status = %+v", we.Last)
		}
		if !strings.Contains(err.Error(), "still busy") || !strings.Contains(err.Error(), "allocating") {
			t.Errorf("error %q does not say what is busy and why", err)
		}
	})
}

// The debug log opens; with NoTail it ends after the backlog where the
// controller closes it.
func TestDebugLog(t *testing.T) {
	run(t, func(t *testing.T, b *bed) {
		ctx := testCtx(t)
		m := b.newModel(t)
		if _, err := m.Deploy(ctx, charmDir(t, "suite-db"), &juju.DeployOptions{Name: "db"}); err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		stream, err := m.DebugLog(lctx, &juju.DebugLogOptions{Replay: true, NoTail: true})
		if err != nil {
			t.Fatalf("DebugLog: %v", err)
		}
		defer stream.Close()
		for {
			_, err := stream.Next(lctx)
			if err == nil {
				continue
			}
			if b.DebugLogCloses && !errors.Is(err, io.EOF) {
				t.Errorf("Next = %v, want the end of the log", err)
			}
			if !b.DebugLogCloses && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Next without a closing server = %v, want the deadline", err)
			}
			break
		}
	})
}
