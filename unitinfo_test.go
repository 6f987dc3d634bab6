package juju

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/status"
)

func TestUnitInfoRelationData(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			parallel(t)
			srv, c, m := simModel(t, v)
			r := record(c)
			ctx := testCtx(t)
			srv.SetBehaviour(m.UUID(), "db", jujusim.Behaviour{
				RelationAppData:  map[string]map[string]string{"database": {"username": "relation-4", "password": "s3cr3t"}},
				RelationUnitData: map[string]map[string]string{"database-peers": {"member": "yes"}},
			})
			if _, err := m.Deploy(ctx, "mysql", &DeployOptions{Name: "db", Base: "ubuntu@22.04", NumUnits: 2}); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Deploy(ctx, "wordpress", &DeployOptions{Name: "wp", Base: "ubuntu@22.04"}); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Integrate(ctx, "wp:database", "db:database", nil); err != nil {
				t.Fatal(err)
			}
			srv.SetRelationData(m.UUID(), "wp/0", "database", map[string]string{"requested": "wpdb"})
			if _, err := m.WaitForIdle(ctx, &status.WaitForIdleOptions{IdlePeriod: time.Millisecond}); err != nil {
				t.Fatal(err)
			}

			info, err := m.Unit("wp/0").Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if b := lastParams(t, r, "Application", "UnitsInfo"); string(b) != `{"entities":[{"tag":"unit-wp-0"}]}` {
				t.Errorf("UnitsInfo params %s", b)
			}
			if info.Name != "wp/0" || info.Machine == "" || info.Life != "alive" || !info.Leader || info.Charm == "" {
				t.Errorf("info %+v", info)
			}
			rel := info.Relation("database")
			if rel == nil {
				t.Fatalf("no database relation in %+v", info.Relations)
			}
			if rel.RelatedEndpoint != "database" || rel.CrossModel {
				t.Errorf("relation %+v", rel)
			}
			if diff := cmp.Diff(map[string]string{"username": "relation-4", "password": "s3cr3t"}, rel.ApplicationData); diff != "" {
				t.Errorf("application data (-want +got):\n%s", diff)
			}
			if len(rel.RelatedUnits) != 2 || !rel.RelatedUnits["db/1"].InScope || rel.RelatedUnits["db/1"].Data["private-address"] == "" {
				t.Errorf("related units %+v", rel.RelatedUnits)
			}
			local := rel.LocalUnit
			addr := local.Data["private-address"]
			if want := map[string]string{"private-address": addr, "ingress-address": addr, "egress-subnets": addr + "/32", "requested": "wpdb"}; !local.InScope || addr == "" || !cmp.Equal(want, local.Data) {
				t.Errorf("local unit %+v", local)
			}

			// A peer relation lists the unit itself and its peers.
			infos, err := m.UnitsInfo(ctx, "db/0", "db/1")
			if err != nil || len(infos) != 2 {
				t.Fatalf("UnitsInfo = %v, %v", infos, err)
			}
			peer := infos[1].Relation("database-peers")
			if peer == nil || peer.RelatedEndpoint != "database-peers" || !peer.LocalUnit.InScope || peer.LocalUnit.Data["member"] != "yes" ||
				peer.LocalUnit.Data["ingress-address"] == "" || len(peer.RelatedUnits) != 1 || peer.RelatedUnits["db/0"].Data["member"] != "yes" {
				t.Errorf("peer relation %+v", peer)
			}
			if dbSide := infos[0].Relation("database"); dbSide == nil || len(dbSide.ApplicationData) != 0 || dbSide.RelatedUnits["wp/0"].Data["requested"] != "wpdb" {
				t.Errorf("db side %+v", dbSide)
			}

			_, err = m.Unit("db/7").Info(ctx)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown unit: %v", err)
			}
			expectNothingSent(t, r, func() {
				if _, err := m.Unit("db").Info(ctx); !errors.Is(err, ErrInvalidName) {
					t.Errorf("bad unit name: %v", err)
				}
				if _, err := m.UnitsInfo(ctx); !errors.Is(err, ErrInvalidArgument) {
					t.Errorf("no units: %v", err)
				}
			})
		})
	}
}
