package juju

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gojuju/juju/jujusim"
	"github.com/google/go-cmp/cmp"
)

func TestCloudsAndCredentials(t *testing.T) {
	for _, v := range simVersions {
		t.Run(v, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			srv, err := jujusim.Start(ctx, jujusim.Config{JujuVersion: v, Speed: jujusim.SpeedInstant, KubernetesCloud: jujusim.DefaultKubernetesCloud})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			c := connectSim(t, srv)
			clouds, err := c.Clouds(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(clouds) != 2 || clouds[0].Name != "dummy" || clouds[0].IsKubernetes() || clouds[1].Name != "k8s" || !clouds[1].IsKubernetes() {
				t.Errorf("clouds %+v", clouds)
			}
			creds, err := c.CloudCredentials(ctx, "k8s")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"default"}, creds); diff != "" {
				t.Errorf("credentials (-want +got):\n%s", diff)
			}
			if _, err := c.CloudCredentials(ctx, "Bad Cloud"); !errors.Is(err, ErrInvalidName) {
				t.Errorf("bad cloud name: %v", err)
			}
			if _, err := c.CloudCredentials(ctx, "nosuch"); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing cloud: %v", err)
			}
			m, err := c.AddModel(ctx, "k", &AddModelOptions{Cloud: "k8s", Credential: creds[0]})
			if err != nil {
				t.Fatal(err)
			}
			if m.Type() != ModelCAAS {
				t.Errorf("model type %q", m.Type())
			}
		})
	}
}
