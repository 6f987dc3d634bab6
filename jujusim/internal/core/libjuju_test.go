package core

import (
	"testing"
	"time"
)

// Differences python-libjuju 3.x trips on (issue 18); its flow runs in
// internal/realjuju/libjujusuite.

// TestAllWatcherRemoveCarriesLastDocument: a "remove" delta carries the
// entity's last document, as Juju's multiwatcher sends it; python-libjuju
// finds the entity by the relation's or machine's "id" in it and failed
// with KeyError: 'id' when the simulator sent only the key.
func TestAllWatcherRemoveCarriesLastDocument(t *testing.T) {
	s := newSim(t, Config{JujuVersion: "3.6.28"})
	m := s.c.DefaultModelUUID()
	ms := s.admin(m)
	w := s.mustCall(ms, "Client", 8, "WatchAll", nil)
	wid, _ := w["watcher-id"].(string)
	next := func() []any {
		t.Helper()
		res, err := s.callID(ms, "AllWatcher", 3, "Next", wid, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := res["deltas"].([]any)
		return d
	}
	next()
	deployHub(s, ms, "mysql", "db", 1)
	deployHub(s, ms, "wordpress", "wp", 1)
	s.mustCall(ms, "Application", 20, "AddRelation", map[string]any{"endpoints": []string{"db", "wp:db"}})
	s.advance(5 * time.Second)
	next()
	s.mustCall(ms, "Application", 20, "DestroyRelation", map[string]any{"endpoints": []string{"db", "wp:db"}})
	s.mustCall(ms, "Application", 20, "DestroyApplication", map[string]any{"applications": []any{map[string]any{"application-tag": "application-wp"}}})
	s.advance(5 * time.Second)
	removed := map[string]any{}
	for _, x := range next() {
		if get(x, 1) == "remove" {
			removed[get(x, 0).(string)+"/"+docID(get(x, 2))] = get(x, 2)
		}
	}
	rel := removed["relation/wp:db db:mysql"]
	if _, ok := get(rel, "id").(float64); !ok || get(rel, "endpoints", 0, "application-name") == nil {
		t.Errorf("relation remove delta = %v (all: %v)", rel, removed)
	}
	if u := removed["unit/wp/0"]; get(u, "application") != "wp" || get(u, "machine-id") == nil {
		t.Errorf("unit remove delta = %v", u)
	}
	if a := removed["application/wp"]; get(a, "charm-url") == nil {
		t.Errorf("application remove delta = %v", a)
	}
	mc := removed["machine/1"]
	if get(mc, "id") != "1" || get(mc, "base") == nil {
		t.Errorf("machine remove delta = %v (all: %v)", mc, removed)
	}
}

// docID is the identity python-libjuju reads from an AllWatcher document.
func docID(doc any) string {
	for _, k := range []string{"key", "name", "id"} {
		if v, ok := get(doc, k).(string); ok {
			return v
		}
	}
	return ""
}

// TestDeployFromRepositoryRevisionWithoutChannel: a revision without a
// channel is taken, in both modes, as the real servers' DeployFromRepository
// takes it (the default channel; refusing it is the juju CLI's check, not
// the server's). python-libjuju sends the resolved revision and no channel
// when a charm is deployed without one.
func TestDeployFromRepositoryRevisionWithoutChannel(t *testing.T) {
	for _, v := range []string{"4.0.15", "3.6.28"} {
		t.Run(v, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: v})
			ms := s.admin(s.c.DefaultModelUUID())
			res := s.mustCall(ms, "Application", 20, "DeployFromRepository", map[string]any{"Args": []any{map[string]any{
				"CharmName": "wordpress", "ApplicationName": "wp", "revision": 7}}})
			if e := get(res, "Results", 0, "Errors"); e != nil {
				t.Fatalf("DeployFromRepository with a revision and no channel: %v", e)
			}
			st := s.status(ms)
			if rev := get(st, "applications", "wp", "charm-rev"); rev != float64(7) {
				t.Errorf("charm-rev = %v, want 7 (%v)", rev, get(st, "applications", "wp"))
			}
		})
	}
}

// TestConsumeMacaroonFollowsBakeryVersion: GetConsumeDetails mints the
// offer macaroon in the JSON form of the bakery version asked for, in both
// modes: macaroon V1 for bakery versions 0 and 1 (python-libjuju sends
// none and reads "caveats"), V2 from 2 on (the juju CLI sends 3).
func TestConsumeMacaroonFollowsBakeryVersion(t *testing.T) {
	for _, v := range []string{"4.0.15", "3.6.28"} {
		t.Run(v, func(t *testing.T) {
			s := newSim(t, Config{JujuVersion: v})
			m := s.c.DefaultModelUUID()
			ms := s.admin(m)
			s.deployLocal(ms, s.uploadLocal(m, providerMeta), "db", 0)
			cs := s.admin("")
			ver := 6
			if v == "3.6.28" {
				ver = 5
			}
			s.mustCall(cs, "ApplicationOffers", ver, "Offer", map[string]any{"Offers": []any{map[string]any{
				"model-tag": "model-" + m, "offer-name": "dbo", "application-name": "db", "endpoints": map[string]string{"db": "db"}, "owner-tag": "user-admin",
			}}})
			for _, c := range []struct {
				bakery     any
				keys, none []string
			}{
				{nil, []string{"identifier", "location", "caveats", "signature"}, []string{"i", "c", "s64"}},
				{1, []string{"identifier", "location", "caveats", "signature"}, []string{"i", "c", "s64"}},
				{3, []string{"i", "l", "c", "s64"}, []string{"identifier", "caveats", "signature"}},
			} {
				args := map[string]any{"offer-urls": []string{"admin/default.dbo"}}
				if c.bakery != nil {
					args["bakery-version"] = c.bakery
				}
				res := s.mustCall(cs, "ApplicationOffers", ver, "GetConsumeDetails", map[string]any{"offer-urls": args})
				mac, _ := get(res, "results", 0, "macaroon").(map[string]any)
				for _, k := range c.keys {
					if _, ok := mac[k]; !ok {
						t.Errorf("bakery-version %v: macaroon %v has no %q", c.bakery, mac, k)
					}
				}
				for _, k := range c.none {
					if _, ok := mac[k]; ok {
						t.Errorf("bakery-version %v: macaroon %v has %q", c.bakery, mac, k)
					}
				}
			}
		})
	}
}
