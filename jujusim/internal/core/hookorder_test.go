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
// in: storage-attached for the storage it has from the start, install,
// relation-created for existing relations, leader-elected,
// config-changed, start, then joined and changed; a lone unit has no peer to
// join.
func TestHookOrder(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "postgresql", "pg", 1)
	s.advance(5 * time.Second)
	// The postgresql charm has storage (pgdata) and two peer relations:
	// database-peers and restart.
	want := []string{"pgdata-storage-attached", "install", "database-peers-relation-created", "restart-relation-created",
		"leader-elected", "config-changed", "start"}
	if diff := cmp.Diff(want, ranHooks(t, s, m, "pg/0")); diff != "" {
		t.Errorf("hooks of a lone unit (-want +got):\n%s", diff)
	}

	s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "pg", "num-units": 1})
	s.advance(5 * time.Second)
	want = []string{"pgdata-storage-attached", "install", "database-peers-relation-created", "restart-relation-created",
		"config-changed", "start", "database-peers-relation-joined", "database-peers-relation-changed",
		"restart-relation-joined", "restart-relation-changed"}
	if diff := cmp.Diff(want, ranHooks(t, s, m, "pg/1")); diff != "" {
		t.Errorf("hooks of a second unit (-want +got):\n%s", diff)
	}
	// The first unit sees the newcomer join its peer relations.
	lone := []string{"pgdata-storage-attached", "install", "database-peers-relation-created", "restart-relation-created",
		"leader-elected", "config-changed", "start"}
	joinedPeers := []string{"database-peers-relation-joined", "database-peers-relation-changed",
		"restart-relation-joined", "restart-relation-changed"}
	want = append(append([]string(nil), lone...), joinedPeers...)
	if diff := cmp.Diff(want, ranHooks(t, s, m, "pg/0")); diff != "" {
		t.Errorf("hooks of the first unit after a second joined (-want +got):\n%s", diff)
	}

	// A third unit: both earlier units run joined and changed once more.
	s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "pg", "num-units": 1})
	s.advance(5 * time.Second)
	want = append(append(append([]string(nil), lone...), joinedPeers...), joinedPeers...)
	if diff := cmp.Diff(want, ranHooks(t, s, m, "pg/0")); diff != "" {
		t.Errorf("hooks of the first unit after a third joined (-want +got):\n%s", diff)
	}
}

// TestRelationJoinedForNewcomer checks that the units already in a
// relation run joined and changed when a unit of the other application
// comes up, and that a unit whose relation has nobody on the other side
// runs only relation-created until somebody comes.
func TestRelationJoinedForNewcomer(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	deployHub(s, ms, "mysql", "db", 1)
	deployHub(s, ms, "wordpress", "wp", 0)
	s.mustCall(ms, "Application", 22, "AddRelation", map[string]any{"endpoints": []string{"db:database", "wp:database"}})
	s.advance(5 * time.Second)
	count := func(unit, hook string) int {
		n := 0
		for _, h := range ranHooks(t, s, m, unit) {
			if h == hook {
				n++
			}
		}
		return n
	}
	if n := count("db/0", "database-relation-joined"); n != 0 {
		t.Errorf("db/0 ran database-relation-joined %d times with no wp unit, want 0", n)
	}
	s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "wp", "num-units": 1})
	s.advance(5 * time.Second)
	s.mustCall(ms, "Application", 22, "AddUnits", map[string]any{"application": "wp", "num-units": 1})
	s.advance(5 * time.Second)
	for _, c := range []struct {
		unit, hook string
		want       int
	}{
		{"db/0", "database-relation-created", 1},
		{"db/0", "database-relation-joined", 2},
		{"db/0", "database-relation-changed", 2},
		{"wp/0", "database-relation-joined", 1},
		{"wp/1", "database-relation-joined", 1},
	} {
		if n := count(c.unit, c.hook); n != c.want {
			t.Errorf("%s ran %s %d times, want %d", c.unit, c.hook, n, c.want)
		}
	}
}
