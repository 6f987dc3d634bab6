package juju

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/status"
)

// settledLogModel deploys "pg" with two units into the simulator's default
// model and waits until the model is idle, so its debug log holds the
// whole lifecycle of the units.
func settledLogModel(t *testing.T, version string) *Model {
	t.Helper()
	_, _, m := simModel(t, version)
	ctx := testCtx(t)
	if _, err := m.Deploy(ctx, "postgresql", &DeployOptions{Name: "pg", NumUnits: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{Interval: 5 * time.Millisecond, IdlePeriod: -1}); err != nil {
		t.Fatal(err)
	}
	return m
}

// readAll reads a stream until it ends and closes it.
func readAll(t *testing.T, s *LogStream) []LogRecord {
	t.Helper()
	defer s.Close()
	var out []LogRecord
	for {
		r, err := s.Next(testCtx(t))
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(out), err)
		}
		out = append(out, r)
	}
}

func TestDebugLogFilters(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			m := settledLogModel(t, v)
			tests := []struct {
				name string
				opts DebugLogOptions
				want func(r LogRecord) bool // every record must pass
				min  int                    // at least this many records
			}{
				{"replay", DebugLogOptions{Replay: true}, func(LogRecord) bool { return true }, 10},
				{"level", DebugLogOptions{Replay: true, Level: "info"}, func(r LogRecord) bool { return r.Severity != "DEBUG" && r.Severity != "TRACE" }, 5},
				{"unit", DebugLogOptions{Replay: true, IncludeEntities: []string{"pg/0"}}, func(r LogRecord) bool { return r.Entity == "unit-pg-0" }, 2},
				{"application", DebugLogOptions{Replay: true, IncludeEntities: []string{"pg"}}, func(r LogRecord) bool { return strings.HasPrefix(r.Entity, "unit-pg-") }, 4},
				{"machine", DebugLogOptions{Replay: true, IncludeEntities: []string{"0"}}, func(r LogRecord) bool { return r.Entity == "machine-0" }, 1},
				{"exclude application", DebugLogOptions{Replay: true, ExcludeEntities: []string{"pg"}}, func(r LogRecord) bool { return !strings.HasPrefix(r.Entity, "unit-pg-") }, 1},
				{"module", DebugLogOptions{Replay: true, IncludeModules: []string{"juju.worker.uniter"}}, func(r LogRecord) bool { return strings.HasPrefix(r.Module, "juju.worker.uniter") }, 2},
				{"exclude module", DebugLogOptions{Replay: true, ExcludeModules: []string{"juju.worker.uniter"}}, func(r LogRecord) bool { return !strings.HasPrefix(r.Module, "juju.worker.uniter") }, 1},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					opts := tt.opts
					opts.NoTail = true
					s, err := m.DebugLog(testCtx(t), &opts)
					if err != nil {
						t.Fatal(err)
					}
					recs := readAll(t, s)
					if len(recs) < tt.min {
						t.Fatalf("%d records, want at least %d: %v", len(recs), tt.min, recs)
					}
					for _, r := range recs {
						if !tt.want(r) {
							t.Errorf("record does not match the filter: %v", r)
						}
						if r.ModelUUID != m.UUID() || r.Time.IsZero() || r.Message == "" {
							t.Errorf("incomplete record %+v", r)
						}
					}
				})
			}
		})
	}
}

func TestDebugLogLines(t *testing.T) {
	m := settledLogModel(t, simVersions[0])
	all := readAll(t, mustDebugLog(t, m, &DebugLogOptions{Replay: true, NoTail: true}))
	last := readAll(t, mustDebugLog(t, m, &DebugLogOptions{Lines: 3, NoTail: true}))
	if len(all) < 3 {
		t.Fatalf("only %d records", len(all))
	}
	if diff := cmp.Diff(all[len(all)-3:], last); diff != "" {
		t.Errorf("Lines: 3 is not the last three records (-want +got):\n%s", diff)
	}
}

func TestDebugLogLimit(t *testing.T) {
	m := settledLogModel(t, simVersions[0])
	all := readAll(t, mustDebugLog(t, m, &DebugLogOptions{Replay: true, NoTail: true}))
	// Without NoTail the stream would wait for new records: Limit ends it.
	got := readAll(t, mustDebugLog(t, m, &DebugLogOptions{Replay: true, Limit: 2}))
	if len(all) < 2 {
		t.Fatalf("only %d records", len(all))
	}
	if diff := cmp.Diff(all[:2], got); diff != "" {
		t.Errorf("Limit: 2 (-want +got):\n%s", diff)
	}
}

func mustDebugLog(t *testing.T, m *Model, opts *DebugLogOptions) *LogStream {
	t.Helper()
	s, err := m.DebugLog(testCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDebugLogTails(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			m := settledLogModel(t, v)
			ctx := testCtx(t)
			s := mustDebugLog(t, m, &DebugLogOptions{IncludeEntities: []string{"pg/2"}})
			defer s.Close()
			if _, err := m.Application("pg").AddUnits(ctx, 1, nil); err != nil {
				t.Fatal(err)
			}
			r, err := s.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.Entity != "unit-pg-2" {
				t.Errorf("first tailed record %v", r)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if _, err := s.Next(ctx); !errors.Is(err, ErrClosed) {
				t.Errorf("Next after Close: %v", err)
			}
		})
	}
}

func TestDebugLogCloseUnblocksNext(t *testing.T) {
	_, _, m := simModel(t, simVersions[0])
	s := mustDebugLog(t, m, &DebugLogOptions{IncludeEntities: []string{"unit-nothing-*"}})
	errc := make(chan error, 1)
	go func() {
		_, err := s.Next(testCtx(t))
		errc <- err
	}()
	s.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("blocked Next after Close: %v", err)
	}
}

func TestDebugLogContextEnds(t *testing.T) {
	_, _, m := simModel(t, simVersions[0])
	s := mustDebugLog(t, m, &DebugLogOptions{IncludeEntities: []string{"unit-nothing-*"}})
	defer s.Close()
	ctx, cancel := context.WithCancel(testCtx(t))
	cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next with a cancelled context: %v", err)
	}
	if _, err := s.Next(testCtx(t)); err == nil {
		t.Error("Next after an error succeeded")
	}
}

func TestDebugLogRefusesBadOptions(t *testing.T) {
	_, c, m := simModel(t, simVersions[0])
	r := record(c)
	for _, opts := range []*DebugLogOptions{
		{Level: "loud"},
		{Lines: -1},
		{Limit: -2},
		{IncludeEntities: []string{""}},
		{ExcludeModules: []string{""}},
		{IncludeLabels: map[string]string{"a=b": "c"}},
	} {
		expectNothingSent(t, r, func() {
			_, err := m.DebugLog(testCtx(t), opts)
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("DebugLog(%+v) = %v, want ErrInvalidInput", opts, err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "cannot stream the debug log of model") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestDebugLogQuery(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	tests := []struct {
		name string
		opts *DebugLogOptions
		want url.Values
	}{
		{"nil", nil, url.Values{"version": {"2"}}},
		{"lines", &DebugLogOptions{Lines: 10, NoTail: true, Level: "warn"},
			url.Values{"version": {"2"}, "backlog": {"10"}, "noTail": {"true"}, "level": {"WARNING"}}},
		{"replay wins over lines, limit is the client's", &DebugLogOptions{Lines: 10, Replay: true, Limit: 5},
			url.Values{"version": {"2"}, "replay": {"true"}}},
		{"entities", &DebugLogOptions{IncludeEntities: []string{"pg/0", "pg", "0/lxd/1", "unit-web-*"}, ExcludeEntities: []string{"machine-1"}},
			url.Values{"version": {"2"}, "includeEntity": {"unit-pg-0", "unit-pg-*", "machine-0-lxd-1", "unit-web-*"}, "excludeEntity": {"machine-1"}}},
		{"modules labels time", &DebugLogOptions{IncludeModules: []string{"juju.worker"}, ExcludeModules: []string{"unit"},
			IncludeLabels: map[string]string{"b": "2", "a": "1"}, ExcludeLabels: map[string]string{"x": ""}, StartTime: start},
			url.Values{"version": {"2"}, "includeModule": {"juju.worker"}, "excludeModule": {"unit"},
				"includeLabels": {"a=1", "b=2"}, "excludeLabels": {"x="}, "startTime": {"2026-01-02T03:04:05.000000006Z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := debugLogQuery(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeLogLabels(t *testing.T) {
	tests := []struct {
		raw  string
		want map[string]string
	}{
		{``, nil},
		{`null`, nil},
		{`{}`, nil},
		{`{"k":"v"}`, map[string]string{"k": "v"}},
		{`["a","b"]`, map[string]string{"logger-tags": "a,b"}},
		{`[]`, nil},
		{`42`, nil},
	}
	for _, tt := range tests {
		if got := decodeLogLabels(json.RawMessage(tt.raw)); !cmp.Equal(tt.want, got) {
			t.Errorf("decodeLogLabels(%s) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestLogRecordString(t *testing.T) {
	r := LogRecord{Entity: "unit-pg-0", Time: time.Date(2026, 1, 1, 10, 21, 33, 0, time.FixedZone("x", 3600)),
		Severity: "INFO", Module: "juju.worker.uniter", Message: "ran hook"}
	if got, want := r.String(), "unit-pg-0: 09:21:33 INFO juju.worker.uniter ran hook"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func FuzzDecodeLogLabels(f *testing.F) {
	for _, s := range []string{`{"k":"v"}`, `["a"]`, `null`, `{"k":1}`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := decodeLogLabels(json.RawMessage(data))
		if got != nil && len(got) == 0 {
			t.Errorf("empty non-nil labels for %q", data)
		}
	})
}
