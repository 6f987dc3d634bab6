package status

import (
	"errors"
	"testing"
	"time"
)

func cmrStatus(relStatus, saasLife, saasStatus string) *Status {
	return &Status{
		Applications: map[string]*Application{},
		RemoteApplications: map[string]*RemoteApplication{
			"dbo": {Name: "dbo", OfferURL: "admin/default.dbo", Life: saasLife, Status: Info{Current: saasStatus}},
		},
		Relations: []*Relation{
			{ID: 0, Key: "wp:database dbo:database", Status: Info{Current: relStatus}, Endpoints: []Endpoint{
				{Application: "wp", Name: "database", Role: "requirer"}, {Application: "dbo", Name: "database", Role: "provider"},
			}},
			{ID: 1, Key: "wp:db pg:db", Status: Info{Current: "joining"}, Endpoints: []Endpoint{
				{Application: "wp", Name: "db", Role: "requirer"}, {Application: "pg", Name: "db", Role: "provider"},
			}},
		},
	}
}

func TestIntegrated(t *testing.T) {
	for _, tc := range []struct {
		s    *Status
		a, b string
		want bool
	}{
		{cmrStatus("joined", "alive", "active"), "wp", "dbo", true},
		{cmrStatus("joined", "alive", "active"), "dbo:database", "wp:database", true},
		// A cross-model relation counts as joined while joining.
		{cmrStatus("joining", "alive", "unknown"), "wp:database", "dbo", true},
		{cmrStatus("joining", "alive", "unknown"), "wp:db", "dbo", false},
		{cmrStatus("error", "alive", "unknown"), "wp", "dbo", false},
		// A local relation must have joined.
		{cmrStatus("joined", "alive", "active"), "wp", "pg", false},
		{cmrStatus("joined", "alive", "active"), "wp", "nope", false},
	} {
		ok, why := Integrated(tc.a, tc.b)(tc.s)
		if ok != tc.want {
			t.Errorf("Integrated(%q, %q) on relation %q = %v %v, want %v", tc.a, tc.b, tc.s.Relations[0].Status.Current, ok, why, tc.want)
		}
		if !ok && len(why) == 0 {
			t.Errorf("Integrated(%q, %q) gives no reason", tc.a, tc.b)
		}
	}
}

func TestGoneSAAS(t *testing.T) {
	s := cmrStatus("joined", "dying", "active")
	if ok, _ := Gone("dbo")(s); ok {
		t.Error("Gone(dbo) holds while the SAAS is listed")
	}
	delete(s.RemoteApplications, "dbo")
	if ok, why := Gone("dbo")(s); !ok {
		t.Errorf("Gone(dbo) after removal: %v", why)
	}
}

func TestWaitForIdleSAAS(t *testing.T) {
	ev := func(life, st string) verdict {
		e := &idleEval{apps: []string{"dbo"}, fixed: true, errorSince: map[string]time.Time{}, idleSeen: map[string]time.Time{}}
		return e.eval(cmrStatus("joined", life, st))
	}
	if v := ev("alive", "active"); !v.done {
		t.Errorf("an alive SAAS is not idle: %+v", v)
	}
	if v := ev("alive", "unknown"); !v.done {
		t.Errorf("a SAAS waiting for its first status update is not idle: %+v", v)
	}
	if v := ev("dying", "active"); v.done || len(v.busy) != 1 {
		t.Errorf("a dying SAAS is idle: %+v", v)
	}
	if v := ev("alive", "error"); !errors.Is(v.fail, ErrError) {
		t.Errorf("a SAAS in error does not fail the wait: %+v", v)
	}
}
