package archtest

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

type listedPackage struct {
	ImportPath string
	Doc        string
	Name       string
	Deps       []string
	Imports    []string
}

// listPackages runs `go list -deps=false -json ./...` for the whole module.
func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "github.com/gojuju/juju/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 3 {
		t.Fatalf("go list found only %d packages; the test is not looking at the module", len(pkgs))
	}
	return pkgs
}

// TestNoJujuImport keeps the AGPLv3 github.com/juju/juju module out of every
// package's dependencies, direct or indirect.
func TestNoJujuImport(t *testing.T) {
	// Spelled in two parts so that a plain text search for the import path
	// finds only real imports.
	const banned = "github.com/" + "juju/juju"
	for _, p := range listPackages(t) {
		for _, d := range p.Deps {
			if d == banned || strings.HasPrefix(d, banned+"/") {
				t.Errorf("%s depends on %s: gojuju must never import github.com/juju/juju", p.ImportPath, d)
			}
		}
	}
}

// TestEveryPackageHasDoc checks that every package says what it is for.
func TestEveryPackageHasDoc(t *testing.T) {
	for _, p := range listPackages(t) {
		if strings.TrimSpace(p.Doc) == "" {
			t.Errorf("package %s has no package doc comment", p.ImportPath)
		}
	}
}

// TestLayering checks that each layer knows nothing of the layers above it,
// and that the simulator shares only the generated wire types with the client.
func TestLayering(t *testing.T) {
	const mod = "github.com/gojuju/juju"
	forbidden := map[string][]string{
		mod + "/internal/errcode":           {mod, mod + "/rpc", mod + "/internal/facades", mod + "/jujudata", mod + "/jujusim", mod + "/status"},
		mod + "/rpc":                        {mod, mod + "/internal/facades", mod + "/internal/facades/apiclient", mod + "/jujudata", mod + "/jujusim", mod + "/status"},
		mod + "/jujudata":                   {mod, mod + "/rpc", mod + "/internal/facades", mod + "/jujusim", mod + "/status"},
		mod + "/internal/facades":           {mod, mod + "/rpc", mod + "/internal/facades/apiclient", mod + "/jujudata", mod + "/jujusim", mod + "/status"},
		mod + "/internal/facades/apiclient": {mod, mod + "/jujudata", mod + "/jujusim", mod + "/status"},
		mod + "/status":                     {mod, mod + "/jujudata", mod + "/jujusim"},
		mod + "/jujusim":                    {mod, mod + "/status"},
		mod + "/jujusim/internal/core":      {mod, mod + "/jujudata", mod + "/jujusim", mod + "/status"},
		mod + "/internal/cmd/facadegen":     {mod, mod + "/jujusim"},
	}
	checked := 0
	for _, p := range listPackages(t) {
		bad, ok := forbidden[p.ImportPath]
		if !ok {
			continue
		}
		checked++
		deps := make(map[string]bool, len(p.Deps))
		for _, d := range p.Deps {
			deps[d] = true
		}
		for _, b := range bad {
			if deps[b] {
				t.Errorf("%s depends on %s, which is above it or must stay separate", p.ImportPath, b)
			}
		}
	}
	if checked == 0 {
		t.Fatal("none of the layered packages was found")
	}
}

// TestSimulatorSharesOnlyWireTypes checks that the simulator never links
// the client's code, directly or through other packages: not the rpc
// connection, not the generated clients, not the library. It shares only the
// generated wire types (whose error type is their own), so it cannot
// silently agree with a client bug in dialling, framing, login or calling.
func TestSimulatorSharesOnlyWireTypes(t *testing.T) {
	const mod = "github.com/gojuju/juju"
	banned := []string{mod, mod + "/rpc", mod + "/internal/facades/apiclient"}
	checked := 0
	for _, p := range listPackages(t) {
		if p.ImportPath != mod+"/jujusim" && !strings.HasPrefix(p.ImportPath, mod+"/jujusim/") {
			continue
		}
		checked++
		for _, d := range p.Deps {
			if slices.Contains(banned, d) {
				t.Errorf("%s depends on %s: the simulator may share only the generated wire types with the client", p.ImportPath, d)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no simulator package was found")
	}
}
