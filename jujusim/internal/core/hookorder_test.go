package core

import (
	"context"
	"errors"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ranHooks returns the hooks the unit ran, in order, read from its log.
func ranHooks(t *testing.T, s *sim, model, unit string) []string {
	t.Helper()
	sub, err := s.c.Logs(model, LogQuery{NoTail: true, Replay: true, IncludeEntity: []string{unitTag(unit)}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	re := regexp.MustCompile(`^ran "([^"]+)" hook`)
	var hooks []string
	for {
		r, err := sub.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return hooks
		}
		if err != nil {
			t.Fatal(err)
		}
		if m := re.FindStringSubmatch(r.Message); m != nil && m[1] != "update-status" {
			hooks = append(hooks, m[1])
		}
	}
}

// TestHookOrder checks the order a real controller runs a new unit's hooks
// in: install, relation-created for existing relations, leader-elected,
// config-changed, start, then joined and changed; a lone unit has no peer to
// join.
func TestHookOrder(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "pg", 1)
	s.advance(5 * time.Second)
	// The postgresql charm has two peer relations: database-peers and restart.
	want := []string{"install", "database-peers-relation-created", "restart-relation-created",
		"leader-elected", "config-changed", "start"}
	if diff := cmp.Diff(want, ranHooks(t, s, m, "pg/0")); diff != "" {
		t.Errorf("hooks of a lone unit (-want +got):\n%s", diff)
	}

	s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "pg", "num-units": 1})
	s.advance(5 * time.Second)
	want = []string{"install", "database-peers-relation-created", "restart-relation-created",
		"config-changed", "start", "database-peers-relation-joined", "database-peers-relation-changed",
		"restart-relation-joined", "restart-relation-changed"}
	if diff := cmp.Diff(want, ranHooks(t, s, m, "pg/1")); diff != "" {
		t.Errorf("hooks of a second unit (-want +got):\n%s", diff)
	}
}
