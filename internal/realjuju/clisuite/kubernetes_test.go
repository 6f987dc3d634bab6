package clisuite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gojuju/juju/internal/realjuju"
)

// k8sTargets are the targets with a Kubernetes cloud, "caascloud" as on
// the real test bed: gojuju sim --k8s-cloud caascloud, and the real server
// started with REALJUJU_K8S_CLOUD=1.
var k8sTargets = []struct {
	bit int
	target
}{
	{sim40, target{name: "sim-4.0", cli: realjuju.CLI40, start: startSim("4.0.15", "--k8s-cloud", realjuju.KubernetesCloud), agents: true}},
	{sim36, target{name: "sim-3.6", cli: realjuju.CLI36, start: startSim("3.6.28", "--k8s-cloud", realjuju.KubernetesCloud), agents: true}},
	{real40, target{name: "real-4.0", cli: realjuju.CLI40, start: startRealK8s, agents: false}},
}

// startRealK8s uses the package's real server with a Kubernetes cloud.
func startRealK8s(t *testing.T) (string, string) {
	t.Helper()
	srv := realjuju.SharedKubernetes(t)
	return srv.JujuData, realjuju.ControllerName
}

// k8sTable is the real-CLI suite of a Kubernetes model: a Kubernetes
// charm deployed with an OCI image resource, its resources listed,
// attached and refreshed, the application scaled and trusted.
var k8sTable = []step{
	{args: []string{"clouds", "--controller", "{controller}"}, out: []string{"caascloud", "k8s"}},
	{args: []string{"add-model", "{model}", "caascloud"}, out: []string{"Added '{model}' model on caascloud"}},
	{args: []string{"deploy", "-m", "{model}", "{k8s_charm}", "app", "--resource", "app-image=ubuntu:22.04", "--resource", "conf={conf}"},
		out: []string{`Deploying "app" from local charm "suite-k8s", revision 0`}, compare: true},
	{args: []string{"resources", "-m", "{model}", "app"}, out: []string{"Resource", "Supplied by", "app-image", "admin", "conf"}},
	{args: []string{"resources", "-m", "{model}", "app", "--format", "json"}, json: true, out: []string{`"app-image"`, `"oci-image"`}},
	{args: []string{"attach-resource", "-m", "{model}", "app", "app-image={registry}"}, compare: true},
	{args: []string{"attach-resource", "-m", "{model}", "app", "conf={conf2}"}, compare: true},
	{args: []string{"attach-resource", "-m", "{model}", "app", "nope={conf2}"}, exit: 1, out: []string{"nope"}},
	{args: []string{"refresh", "-m", "{model}", "app", "--path", "{k8s_charm}", "--resource", "app-image=ubuntu:24.04"},
		out: []string{`Added local charm "suite-k8s", revision 1, to the model`}, compare: true},
	{args: []string{"resources", "-m", "{model}", "app"}, out: []string{"app-image", "conf"}},
	{args: []string{"scale-application", "-m", "{model}", "app", "3"}, out: []string{"app scaled to 3 units"}, compare: true},
	{args: []string{"status", "-m", "{model}"}, out: []string{"App", "app", "Scale", "Unit", "app/0"}, absent: []string{"Machine"}},
	{args: []string{"status", "-m", "{model}", "--format", "yaml"}, out: []string{"type: caas", "cloud: caascloud", "scale: 3"}},
	{args: []string{"trust", "-m", "{model}", "app"}, exit: 1, out: []string{"--scope=cluster"}},
	{args: []string{"trust", "-m", "{model}", "app", "--scope=cluster"}, compare: true},
	{args: []string{"config", "-m", "{model}", "app", "trust"}, out: []string{"true"}, compare: true},
	// On Juju 4 and 3.6, add-unit scales a Kubernetes application too.
	{args: []string{"add-unit", "-m", "{model}", "app"}, compare: true},
	{args: []string{"status", "-m", "{model}", "--format", "yaml"}, out: []string{"scale: 4"}},
	{args: []string{"scale-application", "-m", "{model}", "app", "1"}, out: []string{"app scaled to 1 unit"}, compare: true},
	{args: []string{"destroy-model", "{model}", "--no-prompt", "--destroy-storage"}, hangs: real40, out: []string{"Destroying model"}},
}

// TestCLIKubernetes runs the Kubernetes table on every target with a
// Kubernetes cloud, then compares what juju 4.0 printed against the
// simulator and against the real server.
func TestCLIKubernetes(t *testing.T) {
	_ = realjuju.Dir(t)
	files := t.TempDir()
	vars := map[string]string{"model": "suitek8s"}
	vars["k8s_charm"] = charmArchive(t, files, "suite-k8s")
	write := func(name, content string) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vars["conf"] = write("conf.txt", "answer: 42\n")
	vars["conf2"] = write("conf2.txt", "answer: 43, again\n")
	vars["registry"] = write("registry.yaml", "registrypath: ghcr.io/gojuju/private:1.0\nusername: bot\npassword: hunter2-registry\n")
	got := &outputs{by: map[int]map[string]string{}}
	t.Run("targets", func(t *testing.T) {
		for _, tg := range k8sTargets {
			t.Run(tg.name, func(t *testing.T) {
				t.Parallel()
				runTable(t, k8sTable, tg.bit, tg.target, vars, got)
			})
		}
	})
	compareOutputs(t, k8sTable, got)
}
