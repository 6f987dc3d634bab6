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

// knownMismatchesWave2File lists the known mismatches with the second set
// of transcripts, each with the reason it is tolerated.
const knownMismatchesWave2File = "testdata/conformance-wave2-known-mismatches.txt"

// TestConformanceReplayWave2 replays every flow of the second set of Juju
// 4.0.15 transcripts: those of server A (the stock test bed) against one
// simulator, those of server B (which adds the Kubernetes cloud
// "caascloud" with the credential "dummy-credential") against another set
// up the same way, and compares the shapes of the replies. The recording
// servers ran no agents, so the simulator's (on a clock that never moves)
// differ only where an agent would have acted before a call.
func TestConformanceReplayWave2(t *testing.T) {
	dir := testshared.ConformanceWave2(t)
	all := flowOrder(t, dir)
	split := slices.Index(all, "error-add-model-two-clouds.jsonl")
	if split < 0 {
		t.Fatalf("server B's first flow is not in the README's list: %v", all)
	}
	cfg := Config{
		Clock:          NewFakeClock(time.Time{}),
		ControllerUUID: "deadbeef-1bad-500d-9000-4b1d0d06f00d",
		DefaultModel:   "test",
	}
	serverB := func(sim *Server) {
		if err := sim.AddCloud("caascloud", "kubernetes"); err != nil {
			t.Fatal(err)
		}
		c := dial(t, sim, "")
		c.login(sim)
		// The fixture's credential replaces the one the simulator
		// gives each user on a cloud it adds.
		tag := "cloudcred-caascloud_admin_"
		for _, call := range []struct {
			method string
			params any
		}{
			{"UserCredentials", map[string]any{"user-clouds": []any{map[string]any{"user-tag": "user-admin", "cloud-tag": "cloud-caascloud"}}}},
			{"UpdateCredentialsCheckModels", map[string]any{"credentials": []any{map[string]any{
				"tag": tag + "dummy-credential", "credential": map[string]any{"auth-type": "empty"}}}}},
			{"RevokeCredentialsCheckModels", map[string]any{"credentials": []any{map[string]any{"tag": tag + "default"}}}},
		} {
			if f := c.call("Cloud", 8, call.method, call.params); f["error"] != nil || strings.Contains(string(f["response"]), `"error"`) {
				t.Fatalf("Cloud.%s: %s", call.method, f)
			}
		}
	}
	r := newReplayer(t, startServer(t, cfg))
	// Server A has no storage provider "rootfs" (its storage flows all
	// fail); the simulator has Juju's: the replay names one it has not.
	r.ids["rootfs"] = "nosuchprovider"
	readInputs(t, r, dir)
	for i, flow := range all {
		if i == split {
			sim := startServer(t, cfg)
			serverB(sim)
			r.sim, r.http = sim, testHTTPClient(t, sim)
			r.ids = map[string]string{
				"deadbeef-0bad-400d-8000-4b1d0d06f00d": sim.ControllerModelUUID(),
				// The test bed's provider of machine-scoped
				// filesystems is the simulator's rootfs.
				"machinescoped": "rootfs",
			}
		}
		r.replayFlow(flow, readRecords(t, filepath.Join(dir, flow)))
	}
	r.check(knownMismatchesWave2File, "Known shape mismatches between jujusim and the Juju 4.0.15 transcripts of wave 2.")
}

// readInputs gives r the charms and files the CLI uploaded: the charms by
// name, and the second version of app by the object name it was uploaded
// as; the resource files by the name the CLI gave them.
func readInputs(t *testing.T, r *replayer, dir string) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, "inputs", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, name := range []string{"app", "consumer", "stor", "storm", "k8sapp"} {
		r.charms[name] = read(name + ".charm")
	}
	r.charms["app-6c87518"] = read("app-v2.charm")
	r.files["./file.txt"] = read("file.txt")
	r.files["./file2.txt"] = read("file2.txt")
	// An OCI image resource is uploaded as the image's details in YAML.
	r.files["ubuntu:22.04"] = []byte("registrypath: ubuntu:22.04\nusername: \"\"\npassword: \"\"\n")
}
