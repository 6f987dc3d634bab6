package core

import (
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sortedKeys(v any) []string {
	m, _ := v.(map[string]any)
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFullStatusPatternsSubordinatesAndMachines checks that a unit pattern
// brings its subordinates along and that a machine pattern selects the
// units on that machine.
func TestFullStatusPatternsSubordinatesAndMachines(t *testing.T) {
	s := newSim(t, Config{})
	m := s.c.DefaultModelUUID()
	if err := s.c.Seed(m, map[string]int{"ubuntu": 2, "ntp": 0}); err != nil {
		t.Fatal(err)
	}
	ms := s.admin(m)
	s.mustCall(ms, "Application", 20, "AddRelation", map[string]any{"endpoints": []string{"ntp:juju-info", "ubuntu:juju-info"}})
	s.advance(5 * time.Second)

	for _, c := range []struct {
		pattern            string
		apps, units, machs []string
		subsOf             string
		subs               []string
	}{
		{pattern: "ubuntu/0", apps: []string{"ntp", "ubuntu"}, units: []string{"ubuntu/0"}, machs: []string{"0"}, subsOf: "ubuntu/0", subs: []string{"ntp/0"}},
		{pattern: "1", apps: []string{"ntp", "ubuntu"}, units: []string{"ubuntu/1"}, machs: []string{"1"}, subsOf: "ubuntu/1", subs: []string{"ntp/1"}},
	} {
		st := s.status(ms, c.pattern)
		if diff := cmp.Diff(c.apps, sortedKeys(get(st, "applications"))); diff != "" {
			t.Errorf("pattern %q: applications (-want +got):\n%s", c.pattern, diff)
		}
		if diff := cmp.Diff(c.units, sortedKeys(get(st, "applications", "ubuntu", "units"))); diff != "" {
			t.Errorf("pattern %q: ubuntu units (-want +got):\n%s", c.pattern, diff)
		}
		if diff := cmp.Diff(c.machs, sortedKeys(get(st, "machines"))); diff != "" {
			t.Errorf("pattern %q: machines (-want +got):\n%s", c.pattern, diff)
		}
		subs := sortedKeys(get(st, "applications", "ubuntu", "units", c.subsOf, "subordinates"))
		if diff := cmp.Diff(c.subs, subs); diff != "" {
			t.Errorf("pattern %q: subordinates of %s (-want +got):\n%s", c.pattern, c.subsOf, diff)
		}
	}
}
