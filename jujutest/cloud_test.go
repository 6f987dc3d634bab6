package jujutest_test

import (
	"strings"
	"testing"

	"github.com/gojuju/juju"
	"github.com/gojuju/juju/jujusim"
	"github.com/gojuju/juju/jujutest"
)

// TestCloudChoice checks GOJUJU_CLOUD and Options.Cloud: the same test code
// gets a Kubernetes or a machine model, or one on a named cloud, on a
// simulator that has both kinds of cloud.
func TestCloudChoice(t *testing.T) {
	t.Setenv(jujutest.EnvController, "")
	t.Setenv(jujutest.EnvModel, "")
	sim, err := jujusim.Start(t.Context(), jujusim.Config{Speed: jujusim.SpeedInstant, KubernetesCloud: "microk8s"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	tests := []struct {
		env, opt  string
		wantType  string
		wantCloud string
	}{
		{env: "kubernetes", wantType: juju.ModelCAAS, wantCloud: "microk8s"},
		{env: "k8s", wantType: juju.ModelCAAS, wantCloud: "microk8s"},
		{env: "machine", wantType: juju.ModelIAAS, wantCloud: "dummy"},
		{env: "microk8s", wantType: juju.ModelCAAS, wantCloud: "microk8s"},
		{env: "kubernetes", opt: "machine", wantType: juju.ModelIAAS, wantCloud: "dummy"},
		{env: "", opt: "k8s", wantType: juju.ModelCAAS, wantCloud: "microk8s"},
	}
	for _, tt := range tests {
		t.Run("env="+tt.env+"/opt="+tt.opt, func(t *testing.T) {
			t.Setenv(jujutest.EnvCloud, tt.env)
			m := jujutest.NewModel(t, &jujutest.Options{Simulator: sim, Cloud: tt.opt})
			if m.Type() != tt.wantType {
				t.Errorf("model type %q, want %q", m.Type(), tt.wantType)
			}
			info, err := m.Controller().ModelInfo(t.Context(), m.QualifiedName())
			if err != nil {
				t.Fatal(err)
			}
			if info.Cloud != tt.wantCloud {
				t.Errorf("model on cloud %q, want %q", info.Cloud, tt.wantCloud)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		ft := &fatalTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			jujutest.NewModel(ft, &jujutest.Options{Simulator: sim, Cloud: "nowhere"})
		}()
		<-done
		if !strings.Contains(ft.msg, "nowhere") {
			t.Errorf("a model on an unknown cloud: fatal message %q", ft.msg)
		}
	})
}
