package core

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestLogs(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	s.c.SetBehaviour(m, "bad", Behaviour{FailHook: "start"})
	deployHub(s, ms, "ubuntu", "good", 1)
	deployHub(s, ms, "ubuntu", "bad", 1)
	s.advance(5 * time.Second)
	ctx := context.Background()
	readAll := func(q LogQuery) []LogRecord {
		t.Helper()
		q.NoTail = true
		sub, err := s.c.Logs(m, q)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		var out []LogRecord
		for {
			r, err := sub.Next(ctx)
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	all := readAll(LogQuery{Replay: true})
	if len(all) < 10 {
		t.Fatalf("only %d records", len(all))
	}
	foundHook := false
	for _, r := range all {
		if r.ModelUUID != m || r.Time.IsZero() {
			t.Fatalf("bad record %+v", r)
		}
		if r.Entity == "unit-good-0" && strings.Contains(r.Message, `ran "install" hook`) {
			foundHook = true
		}
	}
	if !foundHook {
		t.Errorf("no install hook record")
	}
	errs := readAll(LogQuery{Replay: true, Level: "ERROR"})
	if len(errs) != 1 || errs[0].Entity != "unit-bad-0" || !strings.Contains(errs[0].Message, `"start"`) {
		t.Errorf("ERROR records = %+v", errs)
	}
	good := readAll(LogQuery{Replay: true, IncludeEntity: []string{"unit-good-*"}})
	for _, r := range good {
		if r.Entity != "unit-good-0" {
			t.Errorf("included %q", r.Entity)
		}
	}
	if len(good) == 0 {
		t.Errorf("no unit-good records")
	}
	excl := readAll(LogQuery{Replay: true, ExcludeEntity: []string{"unit-*"}, ExcludeModule: []string{"juju.worker.machiner"}})
	for _, r := range excl {
		if strings.HasPrefix(r.Entity, "unit-") || r.Module == "juju.worker.machiner" {
			t.Errorf("excluded record %+v", r)
		}
	}
	if n := len(readAll(LogQuery{Replay: true, MaxLines: 3})); n != 3 {
		t.Errorf("MaxLines 3 gave %d", n)
	}
	if n := len(readAll(LogQuery{Backlog: 4})); n != 4 {
		t.Errorf("Backlog 4 gave %d", n)
	}
	if n := len(readAll(LogQuery{})); n != 0 {
		t.Errorf("no replay, no backlog gave %d", n)
	}
	if _, err := s.c.Logs(m, LogQuery{Level: "LOUD"}); errCode(err) != CodeBadRequest {
		t.Errorf("bad level: %v", err)
	}
	// Tailing: a new record arrives when the simulation moves.
	sub, err := s.c.Logs(m, LogQuery{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	got := make(chan LogRecord, 1)
	go func() {
		r, err := sub.Next(ctx)
		if err == nil {
			got <- r
		}
		close(got)
	}()
	s.mustCall(ms, "Application", 22, "ResolveUnitErrors", map[string]any{"retry": true, "all": true})
	if r, ok := <-got; !ok || r.Entity != "unit-bad-0" {
		t.Errorf("tailed record = %+v (%v)", r, ok)
	}
	// Close ends a blocked Next.
	sub2, _ := s.c.Logs(m, LogQuery{})
	done := make(chan error, 1)
	go func() { _, err := sub2.Next(ctx); done <- err }()
	sub2.Close()
	if err := <-done; !errors.Is(err, io.EOF) {
		t.Errorf("Next after Close: %v", err)
	}
}
