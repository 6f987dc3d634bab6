package juju

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim"
)

// Charms given to the simulator with their real metadata deploy from the
// simulated Charmhub with their endpoints, config, actions, resources and
// containers, and integrate.
func TestSimulatedCharmhubRealMetadata(t *testing.T) {
	dir := t.TempDir()
	pg := filepath.Join(dir, "charmcraft.yaml")
	if err := os.WriteFile(pg, []byte(`name: postgresql-k8s
type: charm
summary: Charmed PostgreSQL K8s operator.
description: PostgreSQL on Kubernetes.
containers:
  postgresql:
    resource: postgresql-image
    mounts:
      - storage: pgdata
        location: /var/lib/postgresql/data
resources:
  postgresql-image:
    type: oci-image
    description: OCI image for PostgreSQL
storage:
  pgdata:
    type: filesystem
    location: /var/lib/postgresql/data
peers:
  database-peers:
    interface: postgresql_peers
provides:
  database:
    interface: postgresql_client
config:
  options:
    profile:
      type: string
      default: production
      description: Profile.
actions:
  get-password:
    description: Get a password.
bases:
  - build-on:
      - name: ubuntu
        channel: "22.04"
    run-on:
      - name: ubuntu
        channel: "22.04"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	bouncer := filepath.Join(dir, "pgbouncer")
	if err := os.MkdirAll(bouncer, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bouncer, "metadata.yaml"), []byte(`name: pgbouncer-k8s
summary: PgBouncer on Kubernetes.
containers:
  pgbouncer:
    resource: pgbouncer-image
resources:
  pgbouncer-image:
    type: oci-image
    description: OCI image for PgBouncer
requires:
  backend-database:
    interface: postgresql_client
    limit: 1
provides:
  database:
    interface: postgresql_client
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			srv, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: v, Speed: jujusim.SpeedInstant, KubernetesCloud: "k8s", Charms: []string{pg, bouncer}})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			c := connectSim(t, srv)
			m, err := c.AddModel(ctx, "k", &AddModelOptions{Cloud: "k8s"})
			if err != nil {
				t.Fatal(err)
			}
			app, err := m.Deploy(ctx, "postgresql-k8s", &DeployOptions{Resources: map[string]string{"postgresql-image": "ghcr.io/canonical/charmed-postgresql:14"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Deploy(ctx, "pgbouncer-k8s", nil); err != nil {
				t.Fatal(err)
			}
			info, err := app.CharmInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.Provides["database"].Interface != "postgresql_client" || info.Peers["database-peers"].Interface != "postgresql_peers" ||
				info.Config["profile"].Default != "production" || info.Actions["get-password"] != "Get a password." ||
				info.Resources["postgresql-image"].Type != ResourceOCIImage || info.Containers["postgresql"].Resource != "postgresql-image" ||
				len(info.Containers["postgresql"].Mounts) != 1 || info.Containers["postgresql"].Mounts[0].Storage != "pgdata" {
				t.Errorf("charm info %+v", info)
			}
			if _, err := m.Integrate(ctx, "pgbouncer-k8s:backend-database", "postgresql-k8s:database", nil); err != nil {
				t.Fatal(err)
			}
			img := resourceByName(t, app, "postgresql-image")
			if img.Origin != "upload" || img.Type != ResourceOCIImage {
				t.Errorf("image %+v", img)
			}
			// A name not given keeps the built-in catalogue's charm.
			if _, err := m.Deploy(ctx, "nginx-ingress-integrator", nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}
