package jujusim

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gojuju/juju/internal/testshared"
)

// TestConformanceReplayCMR replays the cross-model relation flows of the
// second set of transcripts (server B: add models w2 and cmr, deploy,
// offer, list, show, find, consume, integrate with the SAAS, status on
// both sides, remove the SAAS and the offers) against one simulator and
// compares the shapes of the replies. The server that recorded them runs
// no workers, so the statuses of machines, units and relations differ;
// only the shapes are compared.
func TestConformanceReplayCMR(t *testing.T) {
	dir := testshared.ConformanceWave2(t)
	all := flowOrder(t, dir)
	first, last := slices.Index(all, "setup2-add-model.jsonl"), slices.Index(all, "remove-offer-force-fresh.jsonl")
	if first < 0 || last < first {
		t.Fatalf("the cross-model flows are not in the README's list: %v", all)
	}
	sim := startServer(t, Config{
		Clock:          NewFakeClock(time.Time{}),
		ControllerUUID: "deadbeef-1bad-500d-9000-4b1d0d06f00d",
		DefaultModel:   "test",
	})
	r := &replayer{
		t:      t,
		sim:    sim,
		http:   testHTTPClient(t, sim),
		ids:    map[string]string{"deadbeef-0bad-400d-8000-4b1d0d06f00d": sim.ControllerModelUUID()},
		charms: map[string][]byte{},
	}
	// The charms the CLI uploaded.
	for _, name := range []string{"app", "consumer"} {
		b, err := os.ReadFile(filepath.Join(dir, "inputs", name+".charm"))
		if err != nil {
			t.Fatal(err)
		}
		r.charms[name] = b
	}
	for _, flow := range all[first : last+1] {
		r.replayFlow(flow, readRecords(t, filepath.Join(dir, flow)))
	}
	t.Logf("compared %d of %d recorded replies", r.compared, r.expected)
	for _, m := range slices.Compact(slices.Sorted(slices.Values(r.mismatch))) {
		if !cmrKnownMismatch(m) {
			t.Error(m)
		}
	}
}

// cmrKnownMismatch reports the differences that are not the cross-model
// code's: the redacted macaroon (a string in the transcript), the
// connections and the offering side's half of the relation the
// simulator's agents make (the recording server had no workers to
// register them), the empty error code the wire type leaves out, and the
// charm metadata of the deploy flows.
func cmrKnownMismatch(m string) bool {
	for _, k := range []string{
		"GetConsumeDetails: frame.response.results[0].macaroon: type string, simulator gives object",
		`ListApplicationOffers: frame.response.results[0]: extra key "connections"`,
		"Charms.CharmInfo: ",
		`status-w2-offers.jsonl #5 Client.FullStatus: frame.response.applications.app.relations: extra key "db"`,
		"status-w2-offers.jsonl #5 Client.FullStatus: frame.response.relations: type null, simulator gives array",
	} {
		if strings.Contains(m, k) {
			return true
		}
	}
	return false
}
