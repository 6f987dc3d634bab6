package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSimServerCommitted regenerates the simulator's facade servers and
// compares them with the committed files in jujusim/internal/core.
func TestSimServerCommitted(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := generateSim(defaultSchemas(root), filepath.Join(root, schemaDir, "supplement.json"), filepath.Join(root, simDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		committed, err := os.ReadFile(filepath.Join(root, simDir, f.Name))
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if !bytes.Equal(committed, f.Src) {
			t.Errorf("%s/%s differs from the generator's output; run go generate ./internal/facades", simDir, f.Name)
		}
	}
}

func TestSimRanges(t *testing.T) {
	plain := &methodModel{GoName: "M", Wire: "M", Versions: []int{11}, Releases: []release{juju40}}
	old := &methodModel{GoName: "MV10", Wire: "M", Versions: []int{9, 10}, Releases: []release{juju36}}
	fm := &facadeModel{Methods: []*methodModel{old, plain}}
	for _, rel := range []release{juju40, juju36} {
		got := simRanges(fm, "M", rel)
		if len(got) != 2 || got[0] != (simRange{0, 10, old}) || got[1] != (simRange{11, 0, plain}) {
			t.Errorf("%s: ranges = %+v", rel, got)
		}
	}
	// Two shapes at the same versions: each mode takes its release's.
	v4 := &methodModel{GoName: "N", Wire: "N", Versions: []int{8}, Releases: []release{juju40}}
	v3 := &methodModel{GoName: "NJuju36", Wire: "N", Versions: []int{8}, Releases: []release{juju36}}
	fm = &facadeModel{Methods: []*methodModel{v4, v3}}
	if got := simRanges(fm, "N", juju36); len(got) != 1 || got[0].mm != v3 {
		t.Errorf("3.6: ranges = %+v", got)
	}
	if got := simRanges(fm, "N", juju40); len(got) != 1 || got[0].mm != v4 {
		t.Errorf("4.0: ranges = %+v", got)
	}
	r := applyRule([]simRange{{0, 0, plain}}, simRule{minV: 2}, 4)
	if len(r) != 1 || r[0].lo != 2 || r[0].hi != 0 {
		t.Errorf("minV 2: %+v", r)
	}
	if r := applyRule([]simRange{{0, 0, plain}}, simRule{major: 3}, 4); r != nil {
		t.Errorf("major 3 in 4.0 mode: %+v", r)
	}
	if r := applyRule([]simRange{{0, 1, old}, {2, 0, plain}}, simRule{minV: 2}, 3); len(r) != 1 || r[0].mm != plain {
		t.Errorf("minV drops a range below it: %+v", r)
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{"SSHClient": "sshClient", "ModelManager": "modelManager", "Pinger": "pinger", "A": "a"} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
