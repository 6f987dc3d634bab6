package juju

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

// One simulator consumes another's offer, the way two controllers do: the
// consume details come from the offering controller (through
// ConsumeOptions.Source), the SAAS is added to the consuming one with
// that controller's address and CA, and local applications relate to it.
func TestConsumeFromAnotherController(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srvA, ca, ma := simModel(t, v)
			srvB, cb, mb := simModel(t, v)
			ctx := testCtx(t)
			if _, err := ma.Deploy(ctx, "mysql", &DeployOptions{Name: "db", Base: "ubuntu@22.04"}); err != nil {
				t.Fatal(err)
			}
			if _, err := mb.Deploy(ctx, "wordpress", &DeployOptions{Name: "wp", Base: "ubuntu@22.04"}); err != nil {
				t.Fatal(err)
			}
			if _, err := ma.Offer(ctx, "db", []string{"database"}, nil); err != nil {
				t.Fatal(err)
			}
			rb := record(cb)

			// Without the offering controller, controller B does not know
			// the offer.
			if _, err := mb.Consume(ctx, "admin/default.db", nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("Consume from the wrong controller: %v, want ErrNotFound", err)
			}
			name, err := mb.Consume(ctx, "admin/default.db", &ConsumeOptions{Source: ca, Alias: "remotedb"})
			if err != nil || name != "remotedb" {
				t.Fatalf("Consume from another controller = %q, %v", name, err)
			}
			call, ok := rb.last("Application", "Consume")
			if !ok {
				t.Fatal("no Application.Consume sent to controller B")
			}
			var sent struct {
				Args []struct {
					OfferUUID          string `json:"offer-uuid"`
					ExternalController struct {
						Addrs         []string `json:"addrs"`
						CACert        string   `json:"ca-cert"`
						ControllerTag string   `json:"controller-tag"`
					} `json:"external-controller"`
				} `json:"args"`
			}
			if err := json.Unmarshal(toJSON(t, call.Params), &sent); err != nil {
				t.Fatal(err)
			}
			if len(sent.Args) != 1 {
				t.Fatalf("Consume params %+v", sent)
			}
			ec := sent.Args[0].ExternalController
			if ec.ControllerTag != "controller-"+srvA.ControllerUUID() || ec.CACert != srvA.CACert() || len(ec.Addrs) == 0 ||
				ec.ControllerTag == "controller-"+srvB.ControllerUUID() {
				t.Errorf("external controller sent to B: %+v", ec)
			}
			if _, err := mb.Integrate(ctx, "wp:database", "remotedb", nil); err != nil {
				t.Fatal(err)
			}
			st, err := mb.Wait(ctx, status.All(status.Integrated("wp", "remotedb"), status.AllAgentsIdle("wp")), nil)
			if err != nil {
				t.Fatal(err)
			}
			if s := st.RemoteApplications["remotedb"]; s == nil || s.OfferURL != "admin/default.db" || s.Life != liveLife(v) {
				t.Errorf("SAAS on controller B: %+v", s)
			}
			if err := mb.RemoveSAAS(ctx, "remotedb", nil); err != nil {
				t.Fatal(err)
			}
			if _, err := mb.Wait(ctx, status.Gone("remotedb"), &status.WaitOptions{Timeout: 30 * time.Second}); err != nil {
				t.Fatal(err)
			}
			// Controller A still has its offer (it does not see controller
			// B's relation: the simulator does not connect controllers).
			if o, err := ca.ShowOffer(ctx, "admin/default.db"); err != nil || len(o.Connections) != 0 {
				t.Errorf("offer on controller A: %+v, %v", o, err)
			}
		})
	}
}

func toJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// On Juju 3.6 the AllWatcher source sees a SAAS arrive and go (the
// simulator sends remoteApplication and applicationOffer deltas; the
// source resyncs on them).
func TestAllWatcherSourceSAAS(t *testing.T) {
	parallel(t)
	_, _, m, cm := cmrModels(t, jujusim.Juju36)
	ctx := testCtx(t)
	src, err := cm.AllWatcherSource(ctx, status.AllWatcherSourceConfig{Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	w := &status.Waiter{Source: src}
	if _, err := m.Offer(ctx, "db", []string{"database"}, nil); err != nil {
		t.Fatal(err)
	}
	// First the SAAS alone (no relation: nothing else changes).
	if _, err := w.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Consume(ctx, "admin/default.db", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Wait(ctx, status.Cond("SAAS listed", func(s *status.Status) bool { return s.RemoteApplications["db"] != nil }),
		&status.WaitOptions{Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if _, err := cm.Integrate(ctx, "wp:database", "db", nil); err != nil {
		t.Fatal(err)
	}
	st, err := w.Wait(ctx, status.All(status.Integrated("wp", "db"), status.Cond("SAAS listed", func(s *status.Status) bool {
		return s.RemoteApplications["db"] != nil
	})), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.RemoteApplications["db"]; s.OfferURL != "admin/default.db" || len(s.Relations["database"]) != 1 {
		t.Errorf("SAAS over the AllWatcher: %+v", s)
	}
	if err := cm.RemoveSAAS(ctx, "db", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Wait(ctx, status.Gone("db", "wp:database db:database"), nil); err != nil {
		t.Fatal(err)
	}
}
